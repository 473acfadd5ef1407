using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Service;

/// <summary>Service tickets in the index (subject, description; number as a code) and in the global search, seen as <see cref="TicketAccess"/> says.</summary>
public sealed class TicketSearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<Ticket>(db, index, Record)
{
    public const string IndexTopic = "index.ticket";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("ticket", IndexTopic, "tickets", 50, "service");

    /// <summary>Everyone signed in works with tickets; which ones is <see cref="TicketAccess"/>'s to say.</summary>
    protected override bool MayRead(CurrentUser user) => true;

    protected override bool SeesAll(CurrentUser user) => TicketAccess.SeesAll(access, user);

    protected override IQueryable<Ticket> Visible(CurrentUser user) => TicketAccess.Visible(Db, access, user);

    protected override IndexEntry Entry(Ticket t) => new(t.Id.ToString(), Kind, t.Subject, t.Description, t.Classification, [], Kind,
        t.Stage.ToString().ToLowerInvariant(), t.Assignee, t.CreatedAt, [], null, [t.Number]);

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await Db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id))
                .Select(t => new { t.Id, t.Subject, t.Number, Company = Db.Counterparties.Where(x => x.Id == t.CounterpartyId).Select(x => x.Name).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), r.Subject, Detail(r.Number, r.Company), $"service/{r.Id}"))];
}

/// <summary>A saved ticket re-indexes itself.</summary>
internal sealed class TicketSearchFeed : ISearchFeed
{
    public IEnumerable<(string Topic, Guid Id)> Stale(EntityEntry entry) =>
        entry.Entity is Ticket t ? [(TicketSearch.IndexTopic, t.Id)] : [];
}
