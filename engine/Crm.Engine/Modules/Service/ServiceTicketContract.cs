using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Modules.Service;

/// <summary>What the service desk needs of its process (workflows/ServiceTicket implements it).</summary>
public interface IServiceTicketProcess
{
    Task<Guid> StartAsync(EngineUnit unit, Ticket ticket, string startedBy, CancellationToken cancellationToken);

    /// <summary>The customer answered a ticket waiting for them: the SLA clock runs again (work right checked); 409 when it does not wait.</summary>
    Task CustomerRepliedAsync(Guid ticketId, string? summary, CurrentUser user, CancellationToken cancellationToken);
}
