using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

[ServiceTaskHandler("crm.ticket.close", DisplayName = "Close a ticket", Category = "Service desk", Description = "Closes the ticket (with the input 'reason' when given).")]
[HandlerInput("reason", Description = "why it closes, for the history")]
public sealed class CloseTicketHandler(TicketSteps steps) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.CloseAsync(variables.TicketId, context.Inputs.GetValueOrDefault("reason")?.ToString(), cancellationToken);
        return null;
    }
}
