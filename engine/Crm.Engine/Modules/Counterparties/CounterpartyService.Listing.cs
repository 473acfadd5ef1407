using Crm.Platform.Access;
using Crm.Platform.Common;
using System.Globalization;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Fields;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>Lists and exports: search, filters on any field, chosen columns, keyset paging.</summary>
public sealed partial class CounterpartyService
{
    /// <summary>Counting stops here: beyond it a list says "1 000+" instead of scanning a million rows for the exact number.</summary>
    public const int CountCap = 1_000;

    /// <summary>An export larger than this is refused with a request to narrow the filter.</summary>
    public const int ExportCap = 100_000;

    /// <summary>
    /// Visible counterparties sorted by name, filtered by a name/NIP search, a category and <see cref="CounterpartyListOptions.Filters"/>.
    /// <paramref name="after"/> (the last row's id) pages by keyset, so page 10 000 costs what page 1 costs; the total is exact up to
    /// <see cref="CountCap"/> and reported as CountCap + 1 ("1 000+") beyond.
    /// </summary>
    public async Task<PagedList<CounterpartyListItem>> ListAsync(string? search, string? category, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken,
        Guid? after = null, CounterpartyListOptions? options = null)
    {
        var context = options is { Filters.Count: > 0 } or { Columns.Count: > 0 } or { Sort: not null } ? await FieldContextAsync(cancellationToken) : FieldContext.Empty;
        var columns = options?.Columns is { Count: > 0 } ? CounterpartyColumns.Resolve(options.Columns, context, recordAccess.Fields(user)) : null;
        var sort = CounterpartySorts.Resolve(options?.Sort, options?.Descending == true, context, recordAccess.Fields(user));
        var branches = Filtered(search, category, options?.Filters, context, user, options?.Archived == true);
        (page, pageSize) = Paging.Normalize(page, pageSize);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var total = await Union(branches).Take(CountCap + 1).CountAsync(cancellationToken);
        List<Guid> ids;
        if (sort is null)
        {
            var afterKey = await KeyOfAsync(after, cancellationToken);
            ids = await PageIdsAsync(branches, search, afterKey is null ? (page - 1) * pageSize : 0, pageSize, afterKey, cancellationToken);
        }
        else
        {
            // Another order than the name: pages by offset (a keyset would need that field's value of the last row).
            await RequireSortableSizeAsync(branches, sort, cancellationToken);
            ids = await CounterpartySorts.Apply(Union(branches), sort, options!.Descending, context, db, clock.GetUtcNow()).Select(c => c.Id)
                .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        }

        var found = await db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new CounterpartyListItem(c.Id, c.Name, c.Nip,
                c.Addresses.Where(a => a.Kind == AddressKind.Registered && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today)).Select(a => a.City).FirstOrDefault(),
                c.Categories, c.Owner, c.Blocks.Any(b => b.LiftedBy == null && b.From <= today && (b.To == null || b.To >= today))))
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var gate = recordAccess.Fields(user);
        var rows = ids.Where(found.ContainsKey).Select(id => found[id] with
        {
            Nip = gate.Shown("nip", found[id].Nip), Categories = gate.Shown("categories", found[id].Categories), Owner = gate.Shown("owner", found[id].Owner),
        }).ToList();
        if (columns is not null)
        {
            var values = await CounterpartyColumns.ValuesAsync(db, customFields, context, [.. rows.Select(r => r.Id)], columns, recordAccess.Fields(user), clock.GetUtcNow(), cancellationToken);
            rows = [.. rows.Select(r => r with { Values = values.GetValueOrDefault(r.Id) })];
        }

        return new PagedList<CounterpartyListItem>(rows, total, page, pageSize);
    }

    /// <summary>
    /// The list as .xlsx with the same search, filters and columns the user has on screen; rows and columns are
    /// limited by the same record- and field-level permissions. Read in keyset batches, so memory stays flat.
    /// </summary>
    public async Task<byte[]> ExportAsync(string? search, string? category, CounterpartyListOptions options, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Export);
        var context = await FieldContextAsync(cancellationToken);
        var columns = CounterpartyColumns.Resolve(options.Columns, context, recordAccess.Fields(user));
        var branches = Filtered(search, category, options.Filters, context, user, options.Archived);
        if (await Union(branches).Take(ExportCap + 1).CountAsync(cancellationToken) > ExportCap)
        {
            throw ValidationFailedException.For("filter", $"The export would have more than {ExportCap:N0} rows; narrow the filter.");
        }

        var now = clock.GetUtcNow();
        var rows = new List<IReadOnlyList<object?>>();
        void Add(List<Guid> ids, Dictionary<Guid, Dictionary<string, object?>> values) =>
            rows.AddRange(ids.Where(values.ContainsKey).Select(id => (IReadOnlyList<object?>)[.. columns.Select(c => values[id].GetValueOrDefault(c.Key))]));
        if (CounterpartySorts.Resolve(options.Sort, options.Descending, context, recordAccess.Fields(user)) is { } sort)
        {
            // Another order than the name: all ids in that order at once, values in batches.
            await RequireSortableSizeAsync(branches, sort, cancellationToken);
            var ordered = await CounterpartySorts.Apply(Union(branches), sort, options.Descending, context, db, now).Select(c => c.Id).Take(ExportCap).ToListAsync(cancellationToken);
            foreach (var batch in ordered.Chunk(1_000))
            {
                List<Guid> ids = [.. batch];
                Add(ids, await CounterpartyColumns.ValuesAsync(db, customFields, context, ids, columns, recordAccess.Fields(user), now, cancellationToken));
            }
        }
        else
        {
            (string Name, Guid Id)? after = null;
            while (await PageIdsAsync(branches, search, 0, 1_000, after, cancellationToken) is { Count: > 0 } ids)
            {
                Add(ids, await CounterpartyColumns.ValuesAsync(db, customFields, context, ids, columns, recordAccess.Fields(user), now, cancellationToken));
                after = await KeyOfAsync(ids[^1], cancellationToken);
            }
        }

        Crm.Platform.Audit.Audited.Export(db, user.UserName, "counterparties", null, new { search, category }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Counterparties", [.. columns.Select(c => c.Label)], rows);
    }

    /// <summary>The fields this user can show as columns and filter on.</summary>
    public async Task<List<ListField>> ListFieldsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        CounterpartyFilters.Catalogue(await FieldContextAsync(cancellationToken), recordAccess.Fields(user));

    /// <summary>The visible, filtered counterparties as disjoint parts (<see cref="CounterpartyAccess.Branches"/>), each narrowed alike.</summary>
    private List<IQueryable<Counterparty>> Filtered(string? search, string? category, IReadOnlyList<FieldFilter>? filters, FieldContext context, CurrentUser user, bool archived = false) =>
        [.. recordAccess.Branches(db.Counterparties.AsNoTracking(), user).Select(branch => Narrowed(branch.Where(c => c.Archived == archived), search, category, filters, context, user))];

    private IQueryable<Counterparty> Narrowed(IQueryable<Counterparty> query, string? search, string? category, IReadOnlyList<FieldFilter>? filters, FieldContext context, CurrentUser user)
    {
        if (!string.IsNullOrWhiteSpace(search))
        {
            // A search of digits (and separators) is a NIP prefix; anything else is a name (prefix or infix, trigram-indexed).
            var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length >= 3 && search.All(ch => char.IsAsciiDigit(ch) || ch is '-' or ' ') && recordAccess.Fields(user).CanRead("nip"))
            {
                query = query.Where(c => c.Nip != null && c.Nip.StartsWith(digits));
            }
            else
            {
                var folded = Fold(search);
                query = query.Where(c => c.SearchName.Contains(folded));
            }
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            // Filtering on a field one may not read would reveal its values.
            query = recordAccess.Fields(user).CanRead("categories") ? query.Where(CounterpartyFilters.HasCategory(category))
                : throw ValidationFailedException.For("category", "Categories are not a field you can filter on.");
        }

        return filters is { Count: > 0 } ? CounterpartyFilters.Apply(query, filters, context, recordAccess.Fields(user), db, clock.GetUtcNow()) : query;
    }

    /// <summary>Other orders than the name have no index to walk: they sort every matching row, so the list must be narrowed to this many first.</summary>
    public const int SortCap = 5_000;

    private static async Task RequireSortableSizeAsync(List<IQueryable<Counterparty>> branches, ListField sort, CancellationToken cancellationToken)
    {
        if (await Union(branches).Take(SortCap + 1).CountAsync(cancellationToken) > SortCap)
        {
            throw ValidationFailedException.For("sort", $"Sorting by {sort.Label} works on up to {SortCap:N0} rows; narrow the search or the filters first (sorting by name always works).");
        }
    }

    private static IQueryable<Counterparty> Union(List<IQueryable<Counterparty>> branches) => branches.Aggregate((all, branch) => all.Concat(branch));

    /// <summary>
    /// Ids of one page in (SearchName, Id) order: <paramref name="take"/> rows after <paramref name="skip"/> rows, or after the row
    /// <paramref name="after"/> (keyset). Several parts: each part's first skip + take rows (its index walked in order, or its matches
    /// sorted when a rare search term makes that cheaper: the planner decides per part), merged and cut in SQL, so the order is the
    /// database's collation throughout.
    /// </summary>
    private static async Task<List<Guid>> PageIdsAsync(List<IQueryable<Counterparty>> branches, string? search, int skip, int take, (string Name, Guid Id)? after,
        CancellationToken cancellationToken)
    {
        if (after is var (afterName, afterId))
        {
            branches = [.. branches.Select(b => b.Where(c => c.SearchName.CompareTo(afterName) > 0 || (c.SearchName == afterName && c.Id.CompareTo(afterId) > 0)))];
        }

        if (branches.Count == 1)
        {
            return await Sorted(branches[0], search).Select(c => c.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        }

        var heads = branches.Select(b => b.OrderBy(c => c.SearchName).ThenBy(c => c.Id).Select(c => new { c.SearchName, c.Id }).Take(skip + take));
        return await heads.Aggregate((all, head) => all.Concat(head)).OrderBy(k => k.SearchName).ThenBy(k => k.Id).Skip(skip).Take(take).Select(k => k.Id)
            .ToListAsync(cancellationToken);
    }

    // With a name search over everything, sort on an expression: the planner then takes the trigram index and sorts the matches,
    // instead of walking the whole name index in order hoping to meet 25 matches early.
    private static IOrderedQueryable<Counterparty> Sorted(IQueryable<Counterparty> query, string? search) =>
        string.IsNullOrWhiteSpace(search) ? query.OrderBy(c => c.SearchName).ThenBy(c => c.Id) : query.OrderBy(c => c.SearchName + "").ThenBy(c => c.Id);

    /// <summary>The sort key of a row, for keyset paging after it (null when there is no such row).</summary>
    private async Task<(string Name, Guid Id)?> KeyOfAsync(Guid? id, CancellationToken cancellationToken) =>
        id is { } rowId && await db.Counterparties.AsNoTracking().Where(c => c.Id == rowId).Select(c => c.SearchName).FirstOrDefaultAsync(cancellationToken) is { } name
            ? (name, rowId)
            : null;

    /// <summary>The columns the user chose for the counterparty list (null until they choose).</summary>
    public Task<IReadOnlyList<string>?> SavedColumnsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        ListPreferences.ColumnsAsync(db, user, "counterparties", cancellationToken);

    public async Task SaveColumnsAsync(CurrentUser user, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        CounterpartyColumns.Resolve(columns, await FieldContextAsync(cancellationToken), recordAccess.Fields(user));   // refuses unknown or hidden columns
        await ListPreferences.SaveAsync(db, user, "counterparties", columns, cancellationToken);
    }

    /// <summary>"1 000+" when the count was capped.</summary>
    public static string FormatTotal(int total, CultureInfo culture) => total > CountCap ? CountCap.ToString("N0", culture) + "+" : total.ToString("N0", culture);
}
