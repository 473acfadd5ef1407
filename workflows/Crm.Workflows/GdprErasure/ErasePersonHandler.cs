using System.Text.Json.Nodes;
using Crm.Modules.Counterparties.Gdpr;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.GdprErasure;

/// <summary>The approver said yes: the person is erased, the audit rows about them pseudonymised, the certificate written.</summary>
[ServiceTaskHandler("crm.gdpr.erase", DisplayName = "Erase a person (GDPR)", Category = "GDPR",
    Description = "Carries out the erasure request 'erasureId' (approver = who completed the approval, 'comment', 'documentsDecision').")]
[HandlerOutput("erased", "boolean", Description = "true once the person is erased")]
public sealed class ErasePersonHandler(PersonErasure erasure) : ServiceTaskHandler<ErasureVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ErasureVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await erasure.EraseAsync(variables.ErasureId, context.InstanceId, context.UserName ?? "", variables.Comment, variables.DocumentsDecision, cancellationToken);
        return new Dictionary<string, JsonNode?> { ["erased"] = true };
    }
}
