using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Complaints;

/// <summary>
/// Complaints in the index (subject, defect, demand, product; number and the invoice complained about as codes) and in
/// the global search, seen as <see cref="ComplaintAccess"/> says.
/// </summary>
public sealed class ComplaintSearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<Complaint>(db, index, Record)
{
    public const string IndexTopic = "index.complaint";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("complaint", IndexTopic, "complaints", 40, "complaints");

    protected override bool MayRead(CurrentUser user) => access.Can(user, AccessObjects.Complaint, AccessRights.Read);

    protected override bool SeesAll(CurrentUser user) => ComplaintAccess.SeesAll(access, user);

    protected override IQueryable<Complaint> Visible(CurrentUser user) => ComplaintAccess.Visible(Db, access, user);

    protected override IndexEntry Entry(Complaint c) => new(c.Id.ToString(), Kind, c.Subject, $"{c.DefectDescription} {c.Demand}",
        $"{c.ProductName} {c.ProductCode} {c.AgainstType} {c.AgainstNumber}", [], Kind, c.Status.ToString().ToLowerInvariant(), null,
        c.ReceivedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), [], null, [.. new[] { c.Number, c.AgainstNumber }.OfType<string>()]);

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await Db.Complaints.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new { c.Id, c.Subject, c.Number, Company = Db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), r.Subject, Detail(r.Number, r.Company), $"complaints/{r.Id}"))];
}

/// <summary>A saved complaint re-indexes itself.</summary>
internal sealed class ComplaintSearchFeed : ISearchFeed
{
    public IEnumerable<(string Topic, Guid Id)> Stale(EntityEntry entry) =>
        entry.Entity is Complaint c ? [(ComplaintSearch.IndexTopic, c.Id)] : [];
}
