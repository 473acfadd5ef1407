using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Gdpr;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Consents;

/// <summary>
/// A person's consent history in their GDPR export; on erasure the address and free-text evidence go, while purpose,
/// given or withdrawn, channel, wording version and time stay: they prove what the person agreed to or refused.
/// </summary>
internal sealed class ConsentPersonData(CrmDbContext db) : IPersonDataSource, IPersonErasureStep
{
    public string Name => "consent ledger";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken) =>
        [.. (await db.ConsentRecords.AsNoTracking().Where(r => r.PersonId == personId).ToListAsync(cancellationToken)).OrderBy(r => r.At)
            .Select(r => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["purpose"] = r.Purpose, ["given"] = r.Given, ["channel"] = r.Channel, ["source"] = r.Source, ["evidence"] = r.Evidence, ["email"] = r.Email,
                ["wordingVersion"] = r.WordingVersion, ["at"] = r.At.ToString("u", CultureInfo.InvariantCulture), ["recordedBy"] = r.RecordedBy,
            })];

    public async Task<int> EraseAsync(Guid personId, CancellationToken cancellationToken)
    {
        var rows = await db.ConsentRecords.Where(r => r.PersonId == personId).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            (row.Email, row.Source, row.Evidence) = (null, row.Source is null ? null : "[erased]", row.Evidence is null ? null : "[erased]");
        }

        return rows.Count;
    }
}
