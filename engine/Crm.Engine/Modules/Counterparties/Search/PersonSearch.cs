using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Search;

/// <summary>Contact persons in the index (name, position, department; e-mail and phone as codes) and in the global search, seen as <see cref="PersonAccess"/> says.</summary>
public sealed class PersonSearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<ContactPerson>(db, index, Record)
{
    public const string IndexTopic = "index.person";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("person", IndexTopic, "persons", 20, "crm/persons");

    protected override bool MayRead(CurrentUser user) => access.Can(user, AccessObjects.Person, AccessRights.Read);

    protected override bool SeesAll(CurrentUser user) => access.SeesAll(user, AccessObjects.Person);

    protected override IQueryable<ContactPerson> Visible(CurrentUser user) => PersonAccess.Visible(Db, access, user);

    /// <summary>E-mail and phone are the entry's codes: found by them only when the field rules let the caller read both.</summary>
    protected override bool MatchesCodes(CurrentUser user)
    {
        var gate = access.Fields(user, AccessObjects.Person);
        return gate.CanRead(PersonCard.EmailField, sensitive: false) && gate.CanRead(PersonCard.PhoneField, sensitive: false);
    }

    // E-mail and phone are codes, not words: found by their start ("jan.kowal", "600 100"), and only for callers who may read them.
    protected override IndexEntry Entry(ContactPerson p) => new(p.Id.ToString(), Kind, $"{p.FirstName} {p.LastName}",
        $"{p.Position} {p.Department}".Trim(), null, [], Kind, null, null, p.CreatedAt, [], null,
        [.. new[] { p.Email?.Trim().ToLowerInvariant(), Digits(p.Phone), National(Digits(p.Phone)) }.Where(c => !string.IsNullOrEmpty(c)).Distinct().Select(c => c!)]);

    private static string? Digits(string? phone) => phone is null ? null : new string([.. phone.Where(char.IsAsciiDigit)]);

    /// <summary>"+48 600 100 200" is also found as "600 100": the last nine digits of a longer number.</summary>
    private static string? National(string? digits) => digits is { Length: > 9 } ? digits[^9..] : null;

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await Db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.Position, Company = Db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.Name).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), $"{r.FirstName} {r.LastName}", Detail(r.Company, r.Position), $"crm/persons/{r.Id}"))];
}
