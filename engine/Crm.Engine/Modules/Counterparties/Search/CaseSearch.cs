using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Search;

/// <summary>Sales cases in the index (title; number as a code) and in the global search, seen as <see cref="CaseAccess"/> says.</summary>
public sealed class CaseSearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<CrmCase>(db, index, Record)
{
    public const string IndexTopic = "index.case";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("case", IndexTopic, "cases", 30, "cases");

    protected override bool MayRead(CurrentUser user) => access.Can(user, AccessObjects.Case, AccessRights.Read);

    protected override bool SeesAll(CurrentUser user) => CaseAccess.SeesAll(access, user);

    protected override IQueryable<CrmCase> Visible(CurrentUser user) => CaseAccess.Visible(Db, access, user);

    protected override IndexEntry Entry(CrmCase c) => new(c.Id.ToString(), Kind, c.Title, c.LostReason, c.Phase, [], Kind, null, c.Owner, c.CreatedAt,
        [], null, c.Number is { Length: > 0 } number ? [number] : null);

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await Db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new { c.Id, c.Title, c.Number, Company = Db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), r.Title, Detail(r.Number, r.Company), $"cases/{r.Id}"))];
}
