using System.Runtime.CompilerServices;
using Crm.Platform.Persistence;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Search;

/// <summary>
/// What names a kind of record: its index kind and outbox topic, its group in the global search and the group's place,
/// and the module's list page that "show all" opens with <c>?q=</c>.
/// </summary>
public sealed record RecordKind(string Kind, string Topic, string Group, int Order, string ListPath);

/// <summary>
/// A module's kind of record in the shared index and in the global search. Finding takes candidates from the index by
/// relevance, then applies the caller's rights to those ids in SQL with the module's own rules (the ones its list
/// pages use), so a change of rights counts at once and the index holds no rights. A caller who sees every record
/// gets the index's count; others the count of visible ones among the best <see cref="Checked"/> candidates
/// (a lower bound when the index matched more).
/// </summary>
public abstract class RecordSearchSource<T>(CrmDbContext db, SearchIndex index, RecordKind kind) : ISearchSource, IGlobalSearchSource where T : class
{
    /// <summary>How many candidates are checked against the caller's rights.</summary>
    public const int Checked = 200;

    /// <summary>The kind of the index entries.</summary>
    public string Kind => kind.Kind;

    public string Topic => kind.Topic;

    public string Group => kind.Group;

    public int Order => kind.Order;

    protected CrmDbContext Db => db;

    /// <summary>Whether the caller may use this kind of record at all.</summary>
    protected abstract bool MayRead(CurrentUser user);

    /// <summary>Whether the caller's rules open every record (then the index's count is theirs).</summary>
    protected abstract bool SeesAll(CurrentUser user);

    /// <summary>The records the caller may see, as the list pages filter them.</summary>
    protected abstract IQueryable<T> Visible(CurrentUser user);

    /// <summary>Whether codes (NIP, numbers) may be matched for this caller.</summary>
    protected virtual bool MatchesCodes(CurrentUser user) => true;

    protected abstract IndexEntry Entry(T record);

    /// <summary>What the group shows for these ids (any order).</summary>
    protected abstract Task<List<GlobalSearchItem>> ItemsAsync(List<Guid> ids, CurrentUser user, CancellationToken cancellationToken);

    public virtual async Task<IndexEntry?> BuildAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(r => EF.Property<Guid>(r, "Id") == id, cancellationToken) is { } record ? Entry(record) : null;

    public async Task<IReadOnlyList<Guid>> AllIdsAsync(CancellationToken cancellationToken) =>
        await db.Set<T>().AsNoTracking().Select(r => EF.Property<Guid>(r, "Id")).ToListAsync(cancellationToken);

    public virtual async IAsyncEnumerable<IndexEntry> AllEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in db.Set<T>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return Entry(record);
        }
    }

    public async Task<GlobalSearchGroup?> SearchAsync(GlobalSearchRequest request, CancellationToken cancellationToken)
    {
        var user = request.User;
        if (!MayRead(user))
        {
            return null;
        }

        var seesAll = SeesAll(user);
        var candidates = index.Candidates(request.Text, Kind, null, seesAll ? request.PerGroup : Checked, MatchesCodes(user));
        var ids = candidates.Hits.Select(h => Guid.TryParse(h.Id, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        var allowed = (await Visible(user).Where(r => ids.Contains(EF.Property<Guid>(r, "Id"))).Select(r => EF.Property<Guid>(r, "Id"))
            .ToListAsync(cancellationToken)).ToHashSet();
        var ordered = ids.Where(allowed.Contains).ToList();
        var shown = ordered.Take(request.PerGroup).ToList();
        var items = (await ItemsAsync(shown, user, cancellationToken)).ToDictionary(i => i.Id);
        return new GlobalSearchGroup(Group, seesAll ? candidates.Total : ordered.Count, !seesAll && candidates.Total > ids.Count,
            [.. shown.Select(id => id.ToString()).Where(items.ContainsKey).Select(id => items[id])], $"{kind.ListPath}?q={Uri.EscapeDataString(request.Text)}");
    }

    /// <summary>"Kraków · 5271234567": the parts that are there, joined.</summary>
    protected static string? Detail(params string?[] parts) =>
        string.Join(" · ", parts.Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } text ? text : null;
}
