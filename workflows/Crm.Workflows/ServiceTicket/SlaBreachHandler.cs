using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Platform.Notifications;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

/// <summary>A target is missed: the ticket is marked breached and the group's lead gets an escalation about its open task.</summary>
[ServiceTaskHandler("crm.ticket.sla-breach", DisplayName = "Escalate an SLA breach", Category = "Service desk",
    Description = "Marks the clock as breached and mails an escalation to the lead of the ticket's group about its open task.")]
[HandlerInput("clock", Required = true, Description = "reaction or resolution")]
public sealed class SlaBreachHandler(TicketSteps steps, NotificationOutbox notifications, OpenTicketTask openTask) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        if (await steps.BreachAsync(variables.TicketId, context.Inputs.GetValueOrDefault("clock")?.ToString() ?? "", cancellationToken) is { } lead
            && await openTask.OfAsync(context.InstanceId, cancellationToken) is { } task)
        {
            await notifications.QueueAsync(NotificationKind.Escalation, task, lead, cancellationToken: cancellationToken);
        }

        return null;
    }
}
