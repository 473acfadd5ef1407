using System.Runtime.CompilerServices;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Search;

/// <summary>
/// Counterparties in the shared index (name, short and previous names, addresses, industry; NIP, REGON and EU VAT as
/// codes, so a NIP prefix typed with or without dashes finds the company) and in the global search: the candidates
/// are narrowed by <see cref="CounterpartyAccess.Visible"/>, and a caller who may not read NIPs neither sees nor
/// matches them.
/// </summary>
public sealed class CounterpartySearch(CrmDbContext db, CounterpartyAccess access, SearchIndex index) : RecordSearchSource<Counterparty>(db, index, Record)
{
    public const string IndexTopic = "index.counterparty";

    /// <summary>Its index kind, topic, group, place among the groups and list page.</summary>
    public static readonly RecordKind Record = new("counterparty", IndexTopic, "counterparties", 10, "crm");

    protected override bool MayRead(CurrentUser user) => access.Can(user, AccessObjects.Counterparty, AccessRights.Read);

    protected override bool SeesAll(CurrentUser user) => access.SeesAll(user);

    protected override IQueryable<Counterparty> Visible(CurrentUser user) => access.Visible(Db.Counterparties, user);

    protected override bool MatchesCodes(CurrentUser user) => access.Fields(user).CanRead("nip");

    public override async Task<IndexEntry?> BuildAsync(Guid id, CancellationToken cancellationToken) =>
        await Rows(Db.Counterparties.Where(c => c.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } row ? Entry(row) : null;

    public override async IAsyncEnumerable<IndexEntry> AllEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in Rows(Db.Counterparties).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return Entry(row);
        }
    }

    protected override IndexEntry Entry(Counterparty record) => Entry(new Row(record.Id, record.Name, record.ShortName, record.Nip, record.Regon,
        record.VatEu, record.Industry, record.CreatedAt, [.. record.Addresses.Select(Address)], [.. record.PreviousNames.Select(p => p.Name)]));

    protected override async Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken)
    {
        var seesNip = access.Fields(user).CanRead("nip");
        return [.. (await Db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new { c.Id, c.Name, c.Nip, City = c.Addresses.OrderBy(a => a.Kind).Select(a => a.City).FirstOrDefault() })
                .ToListAsync(cancellationToken))
            .Select(r => new GlobalSearchItem(r.Id.ToString(), r.Name, Detail(r.City, seesNip ? r.Nip : null), $"crm/{r.Id}"))];
    }

    private static string Address(CounterpartyAddress a) => $"{a.Street} {a.PostalCode} {a.City}";

    private sealed record Row(Guid Id, string Name, string? ShortName, string? Nip, string? Regon, string? VatEu, string? Industry,
        DateTimeOffset CreatedAt, List<string> Addresses, List<string> PreviousNames);

    private static IQueryable<Row> Rows(IQueryable<Counterparty> query) => query.AsNoTracking().Select(c => new Row(c.Id, c.Name, c.ShortName,
        c.Nip, c.Regon, c.VatEu, c.Industry, c.CreatedAt,
        c.Addresses.Select(a => a.Street + " " + a.PostalCode + " " + a.City).ToList(), c.PreviousNames.Select(p => p.Name).ToList()));

    private IndexEntry Entry(Row row) => new(row.Id.ToString(), Kind, row.ShortName is { Length: > 0 } s ? $"{row.Name} {s}" : row.Name,
        string.Join(' ', row.Addresses), $"{string.Join(' ', row.PreviousNames)} {row.Industry}".Trim(), [], Kind, null, null, row.CreatedAt,
        [], null, [.. new[] { row.Nip, row.Regon, row.VatEu }.Where(c => !string.IsNullOrEmpty(c)).Select(c => new string([.. c!.Where(char.IsLetterOrDigit)]))]);
}
