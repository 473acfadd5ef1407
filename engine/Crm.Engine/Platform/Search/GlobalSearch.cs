using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Platform.Search;

/// <summary>What the caller typed, who they are, and how many items a group shows.</summary>
public sealed record GlobalSearchRequest(string Text, CurrentUser User, AccessContext From, int PerGroup);

/// <summary>One thing found: its title, a line of detail (city and NIP, a number, a status) and where it opens.</summary>
public sealed record GlobalSearchItem(string Id, string Title, string? Detail, string Href);

/// <summary>
/// The hits of one kind. <paramref name="Count"/> counts only what the caller may see; when the index matched more
/// candidates than were checked against the caller's rights it is a lower bound (<paramref name="AtLeast"/>).
/// <paramref name="ShowAll"/> opens the module's own list filtered by the same text.
/// </summary>
public sealed record GlobalSearchGroup(string Key, int Count, bool AtLeast, IReadOnlyList<GlobalSearchItem> Items, string ShowAll);

public sealed record GlobalSearchResult(string Text, IReadOnlyList<GlobalSearchGroup> Groups)
{
    public int Total => Groups.Sum(g => g.Count);
}

/// <summary>
/// A module's part in the global search: it finds its own records for the text (usually through the shared index)
/// and keeps only those the caller may see by its own rules. The global search knows modules only through this.
/// </summary>
public interface IGlobalSearchSource
{
    /// <summary>The group's key (counterparties, persons, documents ...): the UI's label and icon follow from it.</summary>
    string Group { get; }

    /// <summary>Where the group stands among the others (lower first).</summary>
    int Order { get; }

    /// <summary>The caller's hits, or null when the caller may not use this kind of record at all.</summary>
    Task<GlobalSearchGroup?> SearchAsync(GlobalSearchRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// One search for everything: asks every module's <see cref="IGlobalSearchSource"/> and returns their groups, the
/// ones with hits first. Used by the header's type-ahead, the /search page and GET /api/global-search alike.
/// </summary>
public sealed class GlobalSearch(IServiceScopeFactory scopes)
{
    public const int MinLength = 2;
    public const int MaxLength = 200;

    public async Task<GlobalSearchResult> RunAsync(string? text, CurrentUser user, AccessContext from, int perGroup, CancellationToken cancellationToken)
    {
        text = text?.Trim() ?? "";
        if (text.Length < MinLength)
        {
            throw ValidationFailedException.For("q", $"Type at least {MinLength} characters.");
        }

        if (text.Length > MaxLength)
        {
            throw ValidationFailedException.For("q", $"At most {MaxLength} characters.");
        }

        var request = new GlobalSearchRequest(text, user, from, Math.Clamp(perGroup, 1, 50));
        // Each source in its own scope: they run side by side, and a DbContext serves one query at a time.
        var groups = await Task.WhenAll(Enumerable.Range(0, SourceCount()).Select(async i =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var source = scope.ServiceProvider.GetServices<IGlobalSearchSource>().ElementAt(i);
            return (source.Order, Group: await source.SearchAsync(request, cancellationToken));
        }));
        return new GlobalSearchResult(text, [.. groups.Where(g => g.Group is not null).OrderBy(g => g.Group!.Count == 0).ThenBy(g => g.Order).Select(g => g.Group!)]);
    }

    private int? _sourceCount;

    private int SourceCount()
    {
        if (_sourceCount is null)
        {
            using var scope = scopes.CreateScope();
            _sourceCount = scope.ServiceProvider.GetServices<IGlobalSearchSource>().Count();
        }

        return _sourceCount.Value;
    }
}
