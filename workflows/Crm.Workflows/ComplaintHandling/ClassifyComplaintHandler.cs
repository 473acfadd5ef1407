using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>Sets the answer deadline (consumer: statutory days, business: the contract's) and the handling group; the timers read them.</summary>
[ServiceTaskHandler("crm.complaint.classify", DisplayName = "Classify a complaint", Category = "Complaints",
    Description = "Sets the complaint's answer deadline from its kind and the settings (or 'days'), and its handling group (or 'group'): outputs the deadline, when it ends (deadlineAt) and when the group's lead is warned (warnAt).")]
[HandlerInput("group", Description = "route to this group instead of the settings' handling group (e.g. per product group)")]
[HandlerInput("days", "number", Description = "answer within these calendar days instead of the settings' days")]
[HandlerOutput("handlingGroup")]
[HandlerOutput("deadline", Description = "the last day to answer (yyyy-MM-dd)")]
[HandlerOutput("deadlineAt", Description = "when the deadline ends (ISO date-time)")]
[HandlerOutput("warnAt", Description = "when the group's lead is warned (ISO date-time)")]
public sealed class ClassifyComplaintHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var group = context.Inputs.GetValueOrDefault("group")?.ToString();
        int? days = int.TryParse(context.Inputs.GetValueOrDefault("days")?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : null;
        var classification = await steps.ClassifyAsync(variables.ComplaintId, group, days, "complaint-handling", cancellationToken);
        return new Dictionary<string, JsonNode?>
        {
            ["handlingGroup"] = classification.HandlingGroup,
            ["deadline"] = classification.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["deadlineAt"] = classification.DeadlineEndsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["warnAt"] = classification.WarnAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            // The gateways' conditions read these before any form has set them.
            ["needsExpertise"] = false,
            ["decision"] = "",
            ["approved"] = "",
        };
    }
}
