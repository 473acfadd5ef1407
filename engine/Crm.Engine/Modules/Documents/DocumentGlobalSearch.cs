using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>
/// Documents in the global search: by title, metadata and content, filtered by the caller's principals inside the
/// index (the same folder and document permissions as the document search), so the count is exact. Only titles are
/// shown, never text, so nothing is written to the access register here; opening a document registers as usual.
/// </summary>
public sealed class DocumentGlobalSearch(CrmDbContext db, SearchIndex index) : IGlobalSearchSource
{
    public string Group => "documents";

    public int Order => 60;

    public async Task<GlobalSearchGroup?> SearchAsync(GlobalSearchRequest request, CancellationToken cancellationToken)
    {
        var user = request.User;
        var candidates = index.Candidates(request.Text, DocumentIndexer.Kind, user.IsAdmin ? null : DocumentAccess.PrincipalTokens(user), request.PerGroup);
        var ids = candidates.Hits.Select(h => Guid.Parse(h.Id)).ToList();
        var rows = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => new { d.Id, d.Title, d.Type, d.Status }).ToDictionaryAsync(d => d.Id, cancellationToken);
        var items = ids.Where(rows.ContainsKey).Select(id => rows[id])
            .Select(d => new GlobalSearchItem(d.Id.ToString(), d.Title, string.IsNullOrWhiteSpace(d.Type) ? null : d.Type, $"documents/{d.Id}"));
        return new GlobalSearchGroup(Group, candidates.Total, false, [.. items], "documents/search?q=" + Uri.EscapeDataString(request.Text));
    }
}
