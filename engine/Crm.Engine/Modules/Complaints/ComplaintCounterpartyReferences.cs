using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>Complaints follow their company when it is merged into another.</summary>
internal sealed class ComplaintCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "complaints";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.Complaints.Where(c => c.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(c => c.CounterpartyId = toId);
        return rows.Count;
    }
}
