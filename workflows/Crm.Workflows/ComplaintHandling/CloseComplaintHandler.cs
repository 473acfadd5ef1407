using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

[ServiceTaskHandler("crm.complaint.close", DisplayName = "Close a complaint", Category = "Complaints", Description = "Closes the complaint; its history keeps every step.")]
public sealed class CloseComplaintHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.CloseAsync(variables.ComplaintId, context.UserName ?? "complaint-handling", cancellationToken);
        return null;
    }
}
