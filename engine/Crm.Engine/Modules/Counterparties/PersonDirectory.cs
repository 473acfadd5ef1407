using Crm.Platform.Access;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record PersonListItem(Guid Id, string FirstName, string LastName, string? Position, string? Department, string? Email, string? Phone,
    Guid? CounterpartyId, string? CounterpartyName, bool MarketingConsent, string? Gender, string? Roles, DateTimeOffset CreatedAt)
{
    /// <summary>Values of the chosen custom-field columns (<c>cf.key</c>), when any were asked for.</summary>
    public IReadOnlyDictionary<string, object?>? Values { get; init; }
}

/// <summary>
/// Record level for persons: a person of a company is visible with that company (<see cref="CounterpartyAccess.Visible"/>);
/// a standalone person (no company) to whoever created them; those whose record rules open all counterparties see all;
/// nobody without the read right on persons.
/// </summary>
[ModuleContract]
public static class PersonAccess
{
    public static IQueryable<ContactPerson> Visible(CrmDbContext db, CounterpartyAccess recordAccess, CurrentUser user)
    {
        if (!recordAccess.Can(user, AccessObjects.Person, AccessRights.Read))
        {
            return db.Persons.Where(p => false);
        }

        if (recordAccess.SeesAll(user, AccessObjects.Person))
        {
            return db.Persons;
        }

        var name = user.UserName;
        var companies = recordAccess.Visible(db.Counterparties, user);
        return db.Persons.Where(p => p.CounterpartyId == null ? p.CreatedBy == name : companies.Any(c => c.Id == p.CounterpartyId));
    }
}

/// <summary>The persons list: everyone the caller may see, with or without a company, searchable by name and e-mail.</summary>
public sealed class PersonDirectory(CrmDbContext db, CounterpartyAccess recordAccess, CustomFieldService customFields)
{
    /// <summary>The fields the persons list can filter on for this user (built-in and admin-defined).</summary>
    public async Task<List<ListField>> FieldsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        RecordFilters.PersonCatalogue(await customFields.ContextAsync(PersonCard.PersonEntity, cancellationToken), recordAccess.Fields(user, AccessObjects.Person));

    /// <summary>The columns the list shows besides the name, until the user chooses.</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["company", "position", "email", "phone", "marketingConsent"];

    /// <summary>The columns this user can choose (every filterable field but the name parts, which the name column shows).</summary>
    public async Task<List<ListField>> ColumnsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await FieldsAsync(user, cancellationToken)).Where(f => f.Key is not ("firstName" or "lastName"))];

    public Task<IReadOnlyList<string>?> SavedColumnsAsync(CurrentUser user, CancellationToken cancellationToken) => ListPreferences.ColumnsAsync(db, user, "persons", cancellationToken);

    public async Task SaveColumnsAsync(CurrentUser user, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        ListPreferences.Resolve(columns, DefaultColumns, await ColumnsAsync(user, cancellationToken));
        await ListPreferences.SaveAsync(db, user, "persons", columns, cancellationToken);
    }

    public async Task<PagedList<PersonListItem>> ListAsync(string? search, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken,
        string? sort = null, bool descending = false, IReadOnlyList<FieldFilter>? filters = null, IReadOnlyList<string>? columns = null)
    {
        var query = await FilteredAsync(search, filters, user, cancellationToken);
        (page, pageSize) = Paging.Normalize(page, pageSize);
        var total = await query.Take(CounterpartyService.CountCap + 1).CountAsync(cancellationToken);
        var gate = recordAccess.Fields(user, AccessObjects.Person);
        var rows = Readable(await Sorted(query, Sortable(sort, gate), descending).Skip((page - 1) * pageSize).Take(pageSize).Select(Item()).ToListAsync(cancellationToken), gate);
        if (columns?.Any(c => c.StartsWith("cf.", StringComparison.Ordinal)) == true)
        {
            var (_, values) = await customFields.ColumnsAsync(PersonCard.PersonEntity, [.. rows.Select(r => r.Id)], recordAccess.Fields(user, AccessObjects.Person), cancellationToken);
            rows = [.. rows.Select(r => r with { Values = values.GetValueOrDefault(r.Id)?.ToDictionary(v => "cf." + v.Key, v => PersonDirectory.Cell(v.Value)) })];
        }

        return new PagedList<PersonListItem>(rows, total, page, pageSize);
    }

    /// <summary>The list as .xlsx with the same search, filters and order, and the person fields the caller may read.</summary>
    public async Task<byte[]> ExportAsync(string? search, string? sort, bool descending, IReadOnlyList<FieldFilter>? filters, CurrentUser user, CancellationToken cancellationToken,
        IReadOnlyList<string>? columns = null)
    {
        recordAccess.Require(user, AccessObjects.Person, AccessRights.Export);
        var chosen = ListPreferences.Resolve(columns, DefaultColumns, await ColumnsAsync(user, cancellationToken));
        var query = await FilteredAsync(search, filters, user, cancellationToken);
        if (await query.Take(CounterpartyService.ExportCap + 1).CountAsync(cancellationToken) > CounterpartyService.ExportCap)
        {
            throw ValidationFailedException.For("filter", $"The export would have more than {CounterpartyService.ExportCap:N0} rows; narrow the filter.");
        }

        var gate = recordAccess.Fields(user, AccessObjects.Person);
        var rows = Readable(await Sorted(query, Sortable(sort, gate), descending).Select(Item()).ToListAsync(cancellationToken), gate);
        var (_, values) = await customFields.ColumnsAsync(PersonCard.PersonEntity, [.. rows.Select(r => r.Id)], recordAccess.Fields(user, AccessObjects.Person), cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "persons", null, new { search }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Persons", ["Last name", "First name", .. chosen.Select(f => f.Label)],
            rows.Select(r => (IReadOnlyList<object?>)[r.LastName, r.FirstName, .. chosen.Select(f => f.Key.StartsWith("cf.", StringComparison.Ordinal)
                ? Cell(values.GetValueOrDefault(r.Id)?.GetValueOrDefault(f.Key[3..]))
                : ValueOf(r, f.Key))]));
    }

    /// <summary>A built-in column's value of a row, as a cell (dates as dates, yes/no as booleans).</summary>
    public static object? ValueOf(PersonListItem row, string key) => key switch
    {
        "company" => row.CounterpartyName,
        "position" => row.Position,
        "department" => row.Department,
        "email" => row.Email,
        "phone" => row.Phone,
        "gender" => row.Gender,
        "roles" => row.Roles,
        "marketingConsent" => row.MarketingConsent,
        "createdAt" => DateOnly.FromDateTime(row.CreatedAt.UtcDateTime),
        _ => row.Values?.GetValueOrDefault(key),
    };

    /// <summary>E-mail and phone left out of rows where the field rules hide them from the caller.</summary>
    private static List<PersonListItem> Readable(List<PersonListItem> rows, FieldGate gate)
    {
        var email = gate.CanRead(PersonCard.EmailField, sensitive: false);
        var phone = gate.CanRead(PersonCard.PhoneField, sensitive: false);
        return email && phone ? rows : [.. rows.Select(r => r with { Email = email ? r.Email : null, Phone = phone ? r.Phone : null })];
    }

    /// <summary>No ordering by a field the caller may not read: the order would tell its values.</summary>
    private static string? Sortable(string? sort, FieldGate gate) => sort is PersonCard.EmailField or PersonCard.PhoneField && !gate.CanRead(sort, sensitive: false) ? null : sort;

    /// <summary>Several chosen values in one cell.</summary>
    internal static object? Cell(object? value) => value is IEnumerable<string> many ? string.Join(", ", many) : value;

    private System.Linq.Expressions.Expression<Func<ContactPerson, PersonListItem>> Item() =>
        p => new PersonListItem(p.Id, p.FirstName, p.LastName, p.Position, p.Department, p.Email, p.Phone, p.CounterpartyId,
            db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.Name).FirstOrDefault(), p.MarketingConsent, p.Gender, p.Roles, p.CreatedAt);

    private async Task<IQueryable<ContactPerson>> FilteredAsync(string? search, IReadOnlyList<FieldFilter>? filters, CurrentUser user, CancellationToken cancellationToken)
    {
        var query = PersonAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (filters is { Count: > 0 })
        {
            query = RecordFilters.ApplyToPersons(query, filters, await customFields.ContextAsync(PersonCard.PersonEntity, cancellationToken), recordAccess.Fields(user, AccessObjects.Person), db);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            var byEmail = recordAccess.Fields(user, AccessObjects.Person).CanRead(PersonCard.EmailField, sensitive: false);   // not found by a hidden field
            query = query.Where(p => EF.Functions.Like((p.FirstName + " " + p.LastName).ToLower(), pattern)
                || EF.Functions.Like((p.LastName + " " + p.FirstName).ToLower(), pattern)
                || (byEmail && p.Email != null && EF.Functions.Like(p.Email.ToLower(), pattern)));
        }

        return query;
    }

    /// <summary>By last name (default), company, position or e-mail; ties by name, then id.</summary>
    private IOrderedQueryable<ContactPerson> Sorted(IQueryable<ContactPerson> query, string? sort, bool descending)
    {
        // Empty values last in both directions, on both databases (they disagree on where NULLs go).
        IOrderedQueryable<ContactPerson> By(System.Linq.Expressions.Expression<Func<ContactPerson, string?>> key, System.Linq.Expressions.Expression<Func<ContactPerson, bool>> empty)
        {
            var ordered = query.OrderBy(empty);
            return (descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key)).ThenBy(p => p.LastName).ThenBy(p => p.FirstName).ThenBy(p => p.Id);
        }

        return (sort ?? "name") switch
        {
            "name" => descending ? query.OrderByDescending(p => p.LastName).ThenByDescending(p => p.FirstName).ThenBy(p => p.Id) : query.OrderBy(p => p.LastName).ThenBy(p => p.FirstName).ThenBy(p => p.Id),
            "company" => By(p => db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.SearchName).FirstOrDefault(), p => p.CounterpartyId == null),
            "position" => By(p => p.Position, p => p.Position == null),
            "email" => By(p => p.Email, p => p.Email == null),
            _ => throw ValidationFailedException.For("sort", "Sort by name, company, position or email."),
        };
    }
}
