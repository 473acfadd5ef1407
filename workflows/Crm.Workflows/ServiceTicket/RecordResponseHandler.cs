using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

[ServiceTaskHandler("crm.ticket.respond", DisplayName = "Record a ticket's first response", Category = "Service desk",
    Description = "Stops the reaction clock (reads 'response'); whoever responded becomes the ticket's assignee.")]
public sealed class RecordResponseHandler(TicketSteps steps) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.RespondAsync(variables.TicketId, context.Variables.GetValueOrDefault("response")?.ToString(), context.UserName ?? "service-ticket", cancellationToken);
        return null;
    }
}
