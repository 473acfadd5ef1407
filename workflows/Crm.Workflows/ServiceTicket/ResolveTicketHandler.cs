using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

[ServiceTaskHandler("crm.ticket.resolve", DisplayName = "Resolve a ticket", Category = "Service desk",
    Description = "Stops the resolution clock and records the resolution ('note'); the ticket leaves the queue.")]
public sealed class ResolveTicketHandler(TicketSteps steps) : ServiceTaskHandler<TicketVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(TicketVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.ResolveAsync(variables.TicketId, context.Variables.GetValueOrDefault("note")?.ToString(), context.UserName ?? "service-ticket", cancellationToken);
        return null;
    }
}
