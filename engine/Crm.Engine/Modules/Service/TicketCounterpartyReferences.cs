using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>Tickets follow their company when it is merged into another.</summary>
internal sealed class TicketCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "tickets";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.Tickets.Where(t => t.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(t => t.CounterpartyId = toId);
        return rows.Count;
    }
}
