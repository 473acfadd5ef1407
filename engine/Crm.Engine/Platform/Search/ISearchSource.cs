using Crm.Storage.Search;

namespace Crm.Platform.Search;

/// <summary>
/// A module whose records appear in the shared full-text index (besides documents, which the index worker
/// builds itself): it names the outbox topic it writes and builds an entry per id. The index worker knows
/// sources only through this contract.
/// </summary>
public interface ISearchSource
{
    /// <summary>The outbox topic whose messages carry this source's ids.</summary>
    string Topic { get; }

    /// <summary>The entry to index, or null to remove the id from the index.</summary>
    Task<IndexEntry?> BuildAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Every id to index when the index is rebuilt.</summary>
    Task<IReadOnlyList<Guid>> AllIdsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every entry, for a rebuild. The default builds them one id at a time; a source with many records (a million
    /// counterparties) streams them from one query instead.
    /// </summary>
    async IAsyncEnumerable<IndexEntry> AllEntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await AllIdsAsync(cancellationToken))
        {
            if (await BuildAsync(id, cancellationToken) is { } entry)
            {
                yield return entry;
            }
        }
    }
}

/// <summary>Index entries readable by everyone signed in carry this principal.</summary>
public static class SearchPrincipals
{
    public const string Everyone = "*";
}
