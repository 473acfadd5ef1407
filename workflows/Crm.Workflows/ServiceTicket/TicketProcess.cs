using Crm.Modules.Service;
using Crm.Workflow.Common;
using Crm.Workflow.Messages;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

/// <summary>The starter of <c>service-ticket</c> (the .bpmn beside it) and the customer's answer that wakes it.</summary>
public sealed class TicketProcess(ProcessEngine engine, TicketSteps steps, MessageService messages) : IServiceTicketProcess
{
    public const string Key = "service-ticket";

    public const string RespondTaskId = "respond", WorkTaskId = "work";

    public async Task<Guid> StartAsync(EngineUnit unit, Ticket ticket, string startedBy, CancellationToken cancellationToken)
    {
        var variables = new TicketVariables(ticket.Id, ticket.Number, ticket.Group, ticket.Subject, ticket.CounterpartyId).ToVariables();
        return (await unit.StartLatestAsync(Key, variables, ticket.Number, startedBy, cancellationToken)).Id;
    }

    public Task CustomerRepliedAsync(Guid ticketId, string? summary, CurrentUser user, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async _ =>
        {
            await steps.CustomerRepliedAsync(ticketId, summary, user, cancellationToken);
            try
            {
                await messages.CorrelateAsync(new MessageRequest(TicketBook.CustomerReplyMessage, null, ticketId.ToString(), null, null), false, user, cancellationToken, byOwningUseCase: true);
            }
            catch (NotFoundException)
            {
                throw new ConflictException("This ticket does not wait for the customer.");
            }
        }, cancellationToken);
}
