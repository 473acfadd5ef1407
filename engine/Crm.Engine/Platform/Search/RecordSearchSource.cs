using System.Runtime.CompilerServices;
using Crm.Platform.Persistence;
using Crm.Storage.Search;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Search;

/// <summary>
/// A module's kind of record in the shared index and in the global search. Finding takes candidates from the index by
/// relevance, then applies the caller's rights to those ids in SQL with the module's own rules (the ones its list
/// pages use), so a change of rights counts at once and the index holds no rights. A caller who sees every record
/// gets the index's count; others the count of visible ones among the best <see cref="Checked"/> candidates
/// (a lower bound when the index matched more).
/// </summary>
public abstract class RecordSearchSource<T>(CrmDbContext db, SearchIndex index) : ISearchSource, IGlobalSearchSource where T : class
{
    /// <summary>How many candidates are checked against the caller's rights.</summary>
    public const int Checked = 200;

    /// <summary>The kind of the index entries.</summary>
    public abstract string Kind { get; }

    public abstract string Topic { get; }

    public abstract string Group { get; }

    public abstract int Order { get; }

    /// <summary>The module's list page, opened with <c>?q=</c> by "show all".</summary>
    protected abstract string ListPath { get; }

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
            [.. shown.Select(id => id.ToString()).Where(items.ContainsKey).Select(id => items[id])], $"{ListPath}?q={Uri.EscapeDataString(request.Text)}");
    }

    /// <summary>"Kraków · 5271234567": the parts that are there, joined.</summary>
    protected static string? Detail(params string?[] parts) =>
        string.Join(" · ", parts.Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } text ? text : null;
}
