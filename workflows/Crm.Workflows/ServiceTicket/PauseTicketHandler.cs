using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

[ServiceTaskHandler("crm.ticket.pause", DisplayName = "Wait for the customer", Category = "Service desk",
    Description = "Stops the resolution clock while the ticket waits for the customer (reads 'note': the question asked).")]
public sealed class PauseTicketHandler(TicketSteps steps) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.PauseAsync(variables.TicketId, context.Variables.GetValueOrDefault("note")?.ToString(), context.UserName ?? "service-ticket", cancellationToken);
        return null;
    }
}
