using Crm.Engine.Documents;
using Crm.Engine.Persistence;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Engine.Knowledge;

/// <summary>A published article as a search entry: same index as documents, readable by everyone signed in.</summary>
public static class ArticleIndexer
{
    public const string Kind = "article";

    public static async Task<IndexEntry?> BuildAsync(CrmDbContext db, Guid articleId, CancellationToken cancellationToken)
    {
        var row = await db.Articles.AsNoTracking().Where(a => a.Id == articleId && a.PublishedVersionId != null)
            .Join(db.ArticleVersions, a => a.PublishedVersionId, v => v.Id, (a, v) => new { a.Classification, a.Keywords, a.CreatedBy, v.Title, v.Body, v.PublishedAt, v.Major, v.Minor })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new IndexEntry(
            articleId.ToString(), Kind, row.Title, MarkdownRenderer.ToPlainText(row.Body), $"{row.Keywords} {row.Classification}".Trim(),
            [], "article", "published", row.CreatedBy, row.PublishedAt ?? DateTimeOffset.UnixEpoch, [DocumentAccess.Everyone], null);
    }
}
