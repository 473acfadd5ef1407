using Crm.Modules.Documents.Validity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>The documents module's view of counterparties (validity dates, expiry reminders), seen through the record rules.</summary>
internal sealed class DocumentCounterparties(CrmDbContext db, CounterpartyAccess recordAccess) : IDocumentCounterparties
{
    public Task<bool> VisibleAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken) =>
        recordAccess.Visible(db.Counterparties.AsNoTracking(), user).AnyAsync(c => c.Id == counterpartyId, cancellationToken);

    public Task<DocumentCounterparty?> FindAsync(Guid counterpartyId, CancellationToken cancellationToken) =>
        db.Counterparties.AsNoTracking().Where(c => c.Id == counterpartyId)
            .Select(c => new DocumentCounterparty(c.Id, c.Name, c.Owner)).SingleOrDefaultAsync(cancellationToken);

    public Task<Dictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> counterpartyIds, CurrentUser user, CancellationToken cancellationToken)
    {
        var ids = counterpartyIds.ToList();
        return recordAccess.Visible(db.Counterparties.AsNoTracking(), user).Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
    }
}

/// <summary>Documents follow their counterparty when it is merged into another.</summary>
internal sealed class DocumentCounterpartyReferences(CrmDbContext db) : ICounterpartyReferences
{
    public string Name => "documents";

    public async Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken)
    {
        var rows = await db.Documents.Where(d => d.CounterpartyId == fromId).ToListAsync(cancellationToken);
        rows.ForEach(d => d.CounterpartyId = toId);
        return rows.Count;
    }
}
