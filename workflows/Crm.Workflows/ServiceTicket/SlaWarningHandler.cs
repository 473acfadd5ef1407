using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Platform.Notifications;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

/// <summary>A share of a target is used: the group's lead gets a reminder about the ticket's open task.</summary>
[ServiceTaskHandler("crm.ticket.sla-warning", DisplayName = "Warn about an SLA target", Category = "Service desk",
    Description = "Marks the clock as warned and mails the lead of the ticket's group about its open task (once per clock).")]
[HandlerInput("clock", Required = true, Description = "reaction or resolution")]
public sealed class SlaWarningHandler(TicketSteps steps, NotificationOutbox notifications, OpenTicketTask openTask) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        if (await steps.WarnAsync(variables.TicketId, context.Inputs.GetValueOrDefault("clock")?.ToString() ?? "", cancellationToken) is { } lead
            && await openTask.OfAsync(context.InstanceId, cancellationToken) is { } task)
        {
            await notifications.QueueAsync(NotificationKind.Reminder, task, lead, cancellationToken: cancellationToken);
        }

        return null;
    }
}
