using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Knowledge;

/// <summary>A published article as a search entry: same index as documents, readable by everyone signed in.</summary>
public sealed class ArticleIndexer(CrmDbContext db) : ISearchSource
{
    public const string Kind = "article";

    /// <summary>An article's published version changed: re-index it.</summary>
    public const string IndexTopic = "index.article";

    public string Topic => IndexTopic;

    public async Task<IndexEntry?> BuildAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await db.Articles.AsNoTracking().Where(a => a.Id == id && a.PublishedVersionId != null)
            .Join(db.ArticleVersions, a => a.PublishedVersionId, v => v.Id, (a, v) => new { a.Classification, a.Keywords, a.CreatedBy, v.Title, v.Body, v.PublishedAt, v.Major, v.Minor })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new IndexEntry(
            id.ToString(), Kind, row.Title, MarkdownRenderer.ToPlainText(row.Body), $"{row.Keywords} {row.Classification}".Trim(),
            [], "article", "published", row.CreatedBy, row.PublishedAt ?? DateTimeOffset.UnixEpoch, [SearchPrincipals.Everyone], null);
    }

    public async Task<IReadOnlyList<Guid>> AllIdsAsync(CancellationToken cancellationToken) =>
        await db.Articles.AsNoTracking().Where(a => a.PublishedVersionId != null).Select(a => a.Id).ToListAsync(cancellationToken);
}
