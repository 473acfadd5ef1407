using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

[ServiceTaskHandler("crm.complaint.resolve", DisplayName = "Record a complaint's resolution", Category = "Complaints",
    Description = "Reads 'resolution' (how the complaint was resolved: repaired, replaced, refunded …) into the complaint.")]
public sealed class ResolveComplaintHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.ResolveAsync(variables.ComplaintId, context.Variables.GetValueOrDefault("resolution")?.ToString(), context.UserName ?? "complaint-handling", cancellationToken);
        return null;
    }
}
