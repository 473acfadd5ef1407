using Crm.Modules.Counterparties.Gdpr;
using Crm.Workflow.Runtime;
using Microsoft.Extensions.Configuration;

namespace Crm.Workflows.GdprErasure;

/// <summary>The starter of <c>gdpr-erasure</c> (the .bpmn beside it): a second person approves or rejects; approval erases.</summary>
public sealed class ErasureProcess(IConfiguration configuration) : IErasureProcess
{
    public const string Key = "gdpr-erasure";

    /// <summary>The approver's user task.</summary>
    public const string ApproveTaskId = "approve";

    public async Task<Guid> StartAsync(EngineUnit unit, ErasureRequest request, IReadOnlyList<string> documentTitles, CancellationToken cancellationToken)
    {
        // Who approves: the compliance group unless the admin named others (Crm:Gdpr:Approvers, group names, comma-separated).
        var approvers = configuration["Crm:Gdpr:Approvers"] is { Length: > 0 } configured ? configured : "compliance";
        var documents = documentTitles.Count == 0 ? "none" : string.Join("; ", documentTitles);
        var variables = new ErasureVariables(request.Id, request.PersonLabel, request.RequestedBy, request.Reason, approvers, documents);
        var instance = await unit.StartLatestAsync(Key, variables.ToVariables(), request.PersonLabel, request.RequestedBy, cancellationToken);
        return instance.Id;
    }
}
