using Crm.Modules.Documents;
using Crm.Platform.Search;
using Crm.Storage.Search;

namespace Crm.Modules.Knowledge;

/// <summary>Published knowledge articles in the global search (readable by everyone signed in, as in the index).</summary>
public sealed class ArticleGlobalSearch(SearchIndex index) : IGlobalSearchSource
{
    public string Group => "articles";

    public int Order => 65;

    public Task<GlobalSearchGroup?> SearchAsync(GlobalSearchRequest request, CancellationToken cancellationToken)
    {
        var candidates = index.Candidates(request.Text, ArticleIndexer.Kind, DocumentAccess.PrincipalTokens(request.User), request.PerGroup);
        return Task.FromResult<GlobalSearchGroup?>(new GlobalSearchGroup(Group, candidates.Total, false,
            [.. candidates.Hits.Select(h => new GlobalSearchItem(h.Id, h.Title, null, $"kb/{h.Id}"))], "kb?q=" + Uri.EscapeDataString(request.Text)));
    }
}
