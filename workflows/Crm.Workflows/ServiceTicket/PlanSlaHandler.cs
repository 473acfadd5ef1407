using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

/// <summary>The warning and due instants of a clock for the timers on the next task; planning the resolution starts a paused clock again.</summary>
[ServiceTaskHandler("crm.ticket.plan", DisplayName = "Plan a ticket's SLA timers", Category = "Service desk",
    Description = "clock=reaction: outputs reactionWarnAt and reactionDueAt; clock=resolution: resumes a paused clock and outputs resolutionWarnAt and resolutionDueAt (working time of the business calendar).")]
[HandlerInput("clock", Required = true, Description = "reaction or resolution")]
[HandlerOutput("reactionWarnAt")]
[HandlerOutput("reactionDueAt")]
[HandlerOutput("resolutionWarnAt")]
[HandlerOutput("resolutionDueAt")]
[HandlerOutput("note", Description = "cleared before the work step, so an earlier question is not taken for the resolution")]
public sealed class PlanSlaHandler(TicketSteps steps) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var which = context.Inputs.GetValueOrDefault("clock")?.ToString();
        var plan = which switch
        {
            TicketSteps.Reaction => await steps.PlanReactionAsync(variables.TicketId, cancellationToken),
            TicketSteps.Resolution => await steps.PlanResolutionAsync(variables.TicketId, cancellationToken),
            _ => throw new ServiceTaskFailedException("The input 'clock' is reaction or resolution."),
        };
        var outputs = new Dictionary<string, JsonNode?> { [$"{which}WarnAt"] = Iso(plan.WarnAt), [$"{which}DueAt"] = Iso(plan.DueAt) };
        if (which == TicketSteps.Resolution)
        {
            outputs["note"] = null;   // the work form's note is asked afresh each round
        }

        return outputs;
    }

    internal static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
