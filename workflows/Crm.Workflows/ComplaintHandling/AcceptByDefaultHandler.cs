using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

[ServiceTaskHandler("crm.complaint.accept-by-default", DisplayName = "Accept a complaint by default", Category = "Complaints",
    Description = "The answer deadline passed: the complaint counts as accepted (Polish consumer law) and goes on to its resolution.")]
[HandlerOutput("decision")]
public sealed class AcceptByDefaultHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.AcceptByDefaultAsync(variables.ComplaintId, cancellationToken);
        return new Dictionary<string, JsonNode?> { ["decision"] = "accepted-by-default" };
    }
}
