using Crm.Platform.Outbox;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Knowledge;

/// <summary>
/// Publishing an article (use case; the API and the article editor call <see cref="SubmitAsync"/>, the
/// publication process's handlers call <see cref="PublishAsync"/> and <see cref="ReturnAsync"/>): the author
/// submits the working version, the review process starts in the same commit, and the reviewer's decision
/// publishes it (the previous version is superseded, the index updated) or returns it to the author.
/// </summary>
public sealed class PublishArticle(CrmDbContext db, ArticleService articles, ProcessEngine engine, IArticlePublicationProcess publication, TimeProvider clock)
{
    /// <summary>Sends the working version to review; only a draft or a returned version can go.</summary>
    public Task<ArticleCreated> SubmitAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            await articles.ArticleForEditAsync(id, user, cancellationToken);
            var version = await articles.LatestVersionAsync(id, tracking: true, cancellationToken);
            if (version.Status is not (ArticleVersionStatus.Draft or ArticleVersionStatus.Returned))
            {
                throw new ConflictException($"Version {version.Label} is {version.Status.ToString().ToLowerInvariant()}; only a draft or a returned version can be submitted.");
            }

            version.Status = ArticleVersionStatus.InReview;
            version.SubmittedAt = clock.GetUtcNow();
            version.Revision++;
            version.InstanceId = await publication.StartAsync(unit, id, version, user.UserName, cancellationToken);
            return new ArticleCreated(id, version.Label);
        }, cancellationToken);

    /// <summary>The reviewer published: the reviewed version becomes the one readers see.</summary>
    public async Task<(ArticleVersion Published, ArticleVersion? Previous)> PublishAsync(Guid versionId, string reviewer, string? comment, CancellationToken cancellationToken)
    {
        var version = await InReviewAsync(versionId, cancellationToken);
        var article = await db.Articles.SingleAsync(a => a.Id == version.ArticleId, cancellationToken);
        var previous = await db.ArticleVersions.SingleOrDefaultAsync(v => v.ArticleId == article.Id && v.Status == ArticleVersionStatus.Published, cancellationToken);
        if (previous is not null)
        {
            previous.Status = ArticleVersionStatus.Superseded;
            previous.Revision++;
        }

        version.Status = ArticleVersionStatus.Published;
        version.PublishedAt = clock.GetUtcNow();
        version.ReviewedBy = reviewer;
        version.ReviewComment = comment;
        version.Revision++;
        article.PublishedVersionId = version.Id;
        article.Title = version.Title;
        article.Revision++;
        db.Outbox.Add(new OutboxMessage { Topic = ArticleIndexer.IndexTopic, EntityId = article.Id, CreatedAt = clock.GetUtcNow() });
        return (version, previous);
    }

    /// <summary>The reviewer returned the version: the author edits and submits again.</summary>
    public async Task ReturnAsync(Guid versionId, string reviewer, string? comment, CancellationToken cancellationToken)
    {
        var version = await InReviewAsync(versionId, cancellationToken);
        version.Status = ArticleVersionStatus.Returned;
        version.ReviewedBy = reviewer;
        version.ReviewComment = comment;
        version.Revision++;
    }

    /// <summary>Only a version sent to review is decided on (never a draft nobody submitted).</summary>
    private async Task<ArticleVersion> InReviewAsync(Guid versionId, CancellationToken cancellationToken)
    {
        var version = await db.ArticleVersions.SingleAsync(v => v.Id == versionId, cancellationToken);
        return version.Status == ArticleVersionStatus.InReview
            ? version
            : throw new Crm.Workflow.Runtime.ServiceTaskFailedException($"Version {version.Label} is {version.Status.ToString().ToLowerInvariant()}, not in review.");
    }
}
