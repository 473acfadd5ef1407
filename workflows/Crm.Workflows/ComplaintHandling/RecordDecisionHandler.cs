using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>Records the decision the handler just made (the "decide" form) and says whether it needs four eyes.</summary>
[ServiceTaskHandler("crm.complaint.decide", DisplayName = "Record a complaint decision", Category = "Complaints",
    Description = "Writes 'decision' (accepted/rejected) and 'justification' to the complaint; needsApproval is true for an accepted claim whose amount plus costs exceed the settings' threshold.")]
[HandlerOutput("needsApproval", "boolean")]
[HandlerOutput("decidedBy")]
[HandlerOutput("approved", Description = "cleared: each decision gets its own approval")]
[HandlerOutput("approvalComment", Description = "cleared with it")]
public sealed class RecordDecisionHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        // The person who completed "decide" runs this step: the four-eyes rule holds them to it.
        var decidedBy = context.UserName ?? throw new ServiceTaskFailedException("A decision needs the person who made it.");
        var needsApproval = await steps.DecideAsync(variables.ComplaintId, context.Variables.GetValueOrDefault("decision")?.ToString(),
            context.Variables.GetValueOrDefault("justification")?.ToString(), decidedBy, cancellationToken);
        return new Dictionary<string, JsonNode?> { ["needsApproval"] = needsApproval, ["decidedBy"] = decidedBy, ["approved"] = "", ["approvalComment"] = null };
    }
}
