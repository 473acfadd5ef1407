using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Gdpr;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// The mailings a person was sent, for their GDPR export; on erasure each recipient row loses the address and the merge
/// values copied into it (the counts of the mailing stay right: the row and its state remain).
/// </summary>
internal sealed class MailingPersonData(CrmDbContext db) : IPersonDataSource, IPersonErasureStep
{
    public string Name => "mailings";

    public async Task<IReadOnlyList<Dictionary<string, object?>>> CollectAsync(Guid personId, CancellationToken cancellationToken)
    {
        var rows = await (from r in db.MailingRecipients.AsNoTracking()
                          join m in db.Mailings.AsNoTracking() on r.MailingId equals m.Id
                          where r.PersonId == personId
                          select new { m.Name, m.Subject, r.Email, r.State, r.Reason, r.SentAt, r.OpenedAt, r.ClickedAt, r.BouncedAt }).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.SentAt).Select(r => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["mailing"] = r.Name, ["subject"] = r.Subject, ["email"] = r.Email, ["state"] = r.State.ToString(), ["reason"] = r.Reason, ["sentAt"] = Time(r.SentAt),
            ["openedAt"] = Time(r.OpenedAt), ["clickedAt"] = Time(r.ClickedAt), ["bouncedAt"] = Time(r.BouncedAt),
        })];
    }

    public async Task<int> EraseAsync(Guid personId, CancellationToken cancellationToken)
    {
        var rows = await db.MailingRecipients.Where(r => r.PersonId == personId).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            // One not yet sent never goes out now: it has no address any more.
            (row.Email, row.Values) = (null, null);
            if (row.State is RecipientState.Pending or RecipientState.Sending)
            {
                (row.State, row.Reason, row.ClaimToken) = (RecipientState.Skipped, "erased", null);
            }
        }

        return rows.Count;
    }

    private static string? Time(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture);
}
