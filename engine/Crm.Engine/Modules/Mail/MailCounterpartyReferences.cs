using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Mail;

/// <summary>Mail follows its company when it is merged into another (replies then thread to the survivor).</summary>
internal sealed class MailCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "mail";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.MailMessages.Where(m => m.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(m => { m.CounterpartyId = toId; m.Revision++; });
        return rows.Count;
    }
}

/// <summary>Register entries follow their company when it is merged into another.</summary>
internal sealed class CorrespondenceCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "correspondence";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.Correspondence.Where(e => e.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(e => { e.CounterpartyId = toId; e.Revision++; });
        return rows.Count;
    }
}
