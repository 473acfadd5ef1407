using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>A company or sales case the caller worked on lately, for the home page's "recent" tile.</summary>
public sealed record RecentCrmRecord(string Kind, Guid Id, string Title, DateTimeOffset At, string Href);

/// <summary>
/// The companies and sales cases the caller worked on lately, read from what they did (no view log): their own case
/// steps and edits, contacts they recorded, notes they wrote, companies they created. Only records the caller may
/// still see are returned, so a narrowed right drops a record from the list.
/// </summary>
public sealed class RecentCrmRecords(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    private const int Scan = 200;   // newest rows of the caller per source: enough for a handful of distinct records

    public async Task<List<RecentCrmRecord>> ListAsync(CurrentUser user, int take, CancellationToken cancellationToken)
    {
        take = Math.Clamp(take, 1, 50);
        var now = clock.GetUtcNow();
        var name = user.UserName;

        var caseSteps = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.By == name)
            .OrderByDescending(e => e.At).Take(Scan).Select(e => new { e.CaseId, e.At }).ToListAsync(cancellationToken);
        var caseLatest = Newest(caseSteps.Select(e => (e.CaseId, e.At)), take);

        var contacts = await db.Activities.AsNoTracking().Where(a => a.Employee == name && a.At <= now)
            .OrderByDescending(a => a.At).Take(Scan).Select(a => new { a.CounterpartyId, a.At }).ToListAsync(cancellationToken);
        var notes = await db.Notes.AsNoTracking().Where(n => n.CreatedBy == name && n.CounterpartyId != null)
            .OrderByDescending(n => n.CreatedAt).Take(Scan).Select(n => new { CounterpartyId = n.CounterpartyId!.Value, n.CreatedAt }).ToListAsync(cancellationToken);
        var created = await db.Counterparties.AsNoTracking().Where(c => c.CreatedBy == name)
            .OrderByDescending(c => c.CreatedAt).Take(Scan).Select(c => new { c.Id, c.CreatedAt }).ToListAsync(cancellationToken);
        var companyLatest = Newest(
            [.. contacts.Select(a => (a.CounterpartyId, a.At)), .. notes.Select(n => (n.CounterpartyId, n.CreatedAt)), .. created.Select(c => (c.Id, c.CreatedAt))], take);

        var caseIds = caseLatest.Keys.ToList();
        var cases = await CaseAccess.Visible(db, recordAccess, user).AsNoTracking().Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Title }).ToDictionaryAsync(c => c.Id, c => c.Title, cancellationToken);
        var companyIds = companyLatest.Keys.ToList();
        var companies = await recordAccess.Visible(db.Counterparties, user).AsNoTracking().Where(c => companyIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);

        return
        [
            .. caseLatest.Where(c => cases.ContainsKey(c.Key)).Select(c => new RecentCrmRecord("case", c.Key, cases[c.Key], c.Value, $"cases/{c.Key}"))
                .Concat(companyLatest.Where(c => companies.ContainsKey(c.Key)).Select(c => new RecentCrmRecord("counterparty", c.Key, companies[c.Key], c.Value, $"crm/{c.Key}")))
                .OrderByDescending(r => r.At).Take(take),
        ];
    }

    /// <summary>The newest moment per record, for the most recent records (twice the wanted count: some may be hidden).</summary>
    private static Dictionary<Guid, DateTimeOffset> Newest(IEnumerable<(Guid Id, DateTimeOffset At)> rows, int take) =>
        rows.GroupBy(r => r.Id).Select(g => (g.Key, At: g.Max(r => r.At))).OrderByDescending(r => r.At).Take(take * 2).ToDictionary(r => r.Key, r => r.At);
}
