using System.Text.Json.Nodes;
using Crm.Modules.Counterparties.Gdpr;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.GdprErasure;

/// <summary>The approver said no: the request is closed as rejected, with their comment; nothing is erased.</summary>
[ServiceTaskHandler("crm.gdpr.reject", DisplayName = "Reject an erasure request", Category = "GDPR",
    Description = "Closes the erasure request 'erasureId' as rejected (by who completed the approval, 'comment').")]
public sealed class RejectErasureHandler(PersonErasure erasure) : ServiceTaskHandler<ErasureVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ErasureVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await erasure.RejectAsync(variables.ErasureId, context.InstanceId, context.UserName ?? "", variables.Comment, cancellationToken);
        return null;
    }
}
