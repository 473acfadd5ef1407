using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Search;

/// <summary>Contact persons in the index (name, position, department, e-mail, phone) and in the global search, seen as <see cref="PersonAccess"/> says.</summary>
public sealed class PersonSearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<ContactPerson>(db, index, Record)
{
    public const string IndexTopic = "index.person";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("person", IndexTopic, "persons", 20, "crm/persons");

    protected override bool MayRead(CurrentUser user) => access.Can(user, AccessObjects.Person, AccessRights.Read);

    protected override bool SeesAll(CurrentUser user) => access.SeesAll(user, AccessObjects.Person);

    protected override IQueryable<ContactPerson> Visible(CurrentUser user) => PersonAccess.Visible(Db, access, user);

    protected override IndexEntry Entry(ContactPerson p) => new(p.Id.ToString(), Kind, $"{p.FirstName} {p.LastName}",
        $"{p.Position} {p.Department}".Trim(), $"{p.Email} {p.Phone}".Trim(), [], Kind, null, null, p.CreatedAt, [], null);

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await Db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.Position, Company = Db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.Name).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), $"{r.FirstName} {r.LastName}", Detail(r.Company, r.Position), $"crm/persons/{r.Id}"))];
}
