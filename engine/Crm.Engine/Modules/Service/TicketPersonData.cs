using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>A person's service tickets for their GDPR export.</summary>
internal sealed class TicketPersonData(CrmDbContext db) : IPersonDataSource
{
    public string Name => "tickets";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken) =>
        [.. (await db.Tickets.AsNoTracking().Where(t => t.PersonId == personId).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken))
            .Select(t => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["number"] = t.Number, ["subject"] = t.Subject, ["createdAt"] = t.CreatedAt, ["stage"] = t.Stage.ToString(), ["description"] = t.Description,
            })];
}
