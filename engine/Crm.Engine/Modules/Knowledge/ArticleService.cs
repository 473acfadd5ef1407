using Crm.Platform.Outbox;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Knowledge;

public sealed class KnowledgeOptions
{
    public const string Section = "Crm:Knowledge";

    /// <summary>Groups whose members review articles before publication.</summary>
    public string Reviewers { get; set; } = "process-owners,compliance";
    /// <summary>How long before the deadline a reader is reminded.</summary>
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromDays(1);
}

public sealed record CreateArticleRequest(string? Title, string? Body, string? Classification, string? Keywords, string? WebLink);

public sealed record UpdateArticleRequest(string? Title, string? Body, string? Classification, string? Keywords, string? WebLink, bool Major = false);

public sealed record ArticleCreated(Guid Id, string Version);

public sealed record VersionSummary(Guid Id, string Version, string Status, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? PublishedAt, string? ReviewComment);

public sealed record ArticleView(
    Guid Id, string Title, string? Classification, string? Keywords, string? WebLink, Guid VersionId, string Version, string Status,
    string Body, string Html, DateTimeOffset? PublishedAt, IReadOnlyList<Guid> Attachments, IReadOnlyList<VersionSummary>? Versions, bool CanEdit);

public sealed record ArticleListItem(Guid Id, string Title, string? Classification, string? Version, DateTimeOffset? PublishedAt, bool Published, string? DraftStatus);

/// <summary>Articles and their versions: write, submit for review (the kb-article-publish process), publish, read.</summary>
public sealed class ArticleService(CrmDbContext db, TimeProvider clock)
{
    public const string PublishProcess = "kb-article-publish";
    public const int MaxBodyLength = 200_000;

    public async Task<ArticleCreated> CreateAsync(CreateArticleRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 300)
        {
            errors["title"] = ["Give the article a title of at most 300 characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > MaxBodyLength)
        {
            errors["body"] = [$"Write the article (at most {MaxBodyLength} characters)."];
        }

        CheckLink(request.WebLink, errors);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var now = clock.GetUtcNow();
        var article = new Article
        {
            Title = title!, Classification = Clean(request.Classification), Keywords = Clean(request.Keywords), WebLink = Clean(request.WebLink),
            CreatedBy = user.UserName, CreatedAt = now,
        };
        var version = new ArticleVersion { ArticleId = article.Id, Major = 1, Minor = 0, Title = article.Title, Body = request.Body!, CreatedBy = user.UserName, CreatedAt = now };
        db.AddRange(article, version);
        await db.SaveChangesAsync(cancellationToken);
        return new ArticleCreated(article.Id, version.Label);
    }

    /// <summary>Edits the working version; after a publication, starts the next version (major when readers must read again).</summary>
    public async Task<ArticleCreated> UpdateAsync(Guid id, UpdateArticleRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var article = await ArticleForEditAsync(id, user, cancellationToken);
        var latest = await LatestVersionAsync(id, tracking: true, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        CheckLink(request.WebLink, errors);
        if (request.Body is { Length: > MaxBodyLength })
        {
            errors["body"] = [$"At most {MaxBodyLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (latest.Status == ArticleVersionStatus.InReview)
        {
            throw new ConflictException($"Version {latest.Label} is being reviewed; wait for the review or ask the reviewer to return it.");
        }

        var working = latest;
        if (latest.Status is ArticleVersionStatus.Published or ArticleVersionStatus.Superseded)
        {
            working = new ArticleVersion
            {
                ArticleId = id, Major = request.Major ? latest.Major + 1 : latest.Major, Minor = request.Major ? 0 : latest.Minor + 1,
                Title = latest.Title, Body = latest.Body, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
            };
            db.ArticleVersions.Add(working);
        }
        else if (request.Major && working.Minor != 0 && await db.ArticleVersions.AnyAsync(v => v.ArticleId == id && v.Status == ArticleVersionStatus.Published, cancellationToken))
        {
            var published = await db.ArticleVersions.Where(v => v.ArticleId == id && v.Status == ArticleVersionStatus.Published).Select(v => v.Major).SingleAsync(cancellationToken);
            (working.Major, working.Minor) = (published + 1, 0);
        }

        working.Title = Clean(request.Title) ?? working.Title;
        working.Body = request.Body ?? working.Body;
        working.Revision++;
        article.Classification = request.Classification is null ? article.Classification : Clean(request.Classification);
        article.Keywords = request.Keywords is null ? article.Keywords : Clean(request.Keywords);
        article.WebLink = request.WebLink is null ? article.WebLink : Clean(request.WebLink);
        article.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        return new ArticleCreated(id, working.Label);
    }

    /// <summary>Readers get the published version; editors may ask for the working one (draft=true).</summary>
    public async Task<ArticleView> GetAsync(Guid id, bool draft, CurrentUser user, CancellationToken cancellationToken)
    {
        var article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Article {id} does not exist.");
        var canEdit = CanEdit(article, user);
        ArticleVersion? version;
        if (draft && canEdit)
        {
            version = await LatestVersionAsync(id, tracking: false, cancellationToken);
        }
        else
        {
            version = article.PublishedVersionId is { } published ? await db.ArticleVersions.AsNoTracking().SingleAsync(v => v.Id == published, cancellationToken) : null;
            if (version is null)
            {
                // Not published yet: only its editors (and reviewers) may see it at all.
                version = canEdit || IsReviewer(user) ? await LatestVersionAsync(id, tracking: false, cancellationToken)
                    : throw new NotFoundException($"Article {id} does not exist.");
            }
        }

        var attachments = await db.ArticleAttachments.AsNoTracking().Where(a => a.ArticleId == id).Select(a => a.DocumentId).ToListAsync(cancellationToken);
        var versions = canEdit || IsReviewer(user)
            ? (await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).ToListAsync(cancellationToken))
                .OrderByDescending(v => v.Major).ThenByDescending(v => v.Minor)
                .Select(v => new VersionSummary(v.Id, v.Label, v.Status.ToString(), v.CreatedAt, v.CreatedBy, v.PublishedAt, v.ReviewComment)).ToList()
            : null;
        return new ArticleView(article.Id, version.Title, article.Classification, article.Keywords, article.WebLink, version.Id, version.Label, version.Status.ToString(),
            version.Body, MarkdownRenderer.ToHtml(version.Body), version.PublishedAt, attachments, versions, canEdit);
    }

    /// <summary>Published articles (everyone), plus the caller's own unpublished ones; newest first.</summary>
    public async Task<List<ArticleListItem>> ListAsync(string? search, string? classification, CurrentUser user, CancellationToken cancellationToken)
    {
        var query = db.Articles.AsNoTracking().Where(a => a.PublishedVersionId != null || a.CreatedBy == user.UserName || user.IsProcessOwner);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{search.Trim().Replace("%", "", StringComparison.Ordinal)}%";
            query = query.Where(a => EF.Functions.Like(a.Title, pattern) || EF.Functions.Like(a.Keywords!, pattern));
        }

        if (!string.IsNullOrWhiteSpace(classification))
        {
            query = query.Where(a => a.Classification != null && a.Classification.StartsWith(classification));
        }

        var rows = await query.OrderByDescending(a => a.CreatedAt).Take(500)
            .Select(a => new
            {
                a.Id, a.Title, a.Classification, a.PublishedVersionId,
                Published = db.ArticleVersions.Where(v => v.Id == a.PublishedVersionId).Select(v => new { v.Major, v.Minor, v.PublishedAt }).FirstOrDefault(),
                Working = db.ArticleVersions.Where(v => v.ArticleId == a.Id && v.Status != ArticleVersionStatus.Published && v.Status != ArticleVersionStatus.Superseded)
                    .Select(v => (ArticleVersionStatus?)v.Status).FirstOrDefault(),
            }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ArticleListItem(r.Id, r.Title, r.Classification, r.Published is null ? null : $"{r.Published.Major}.{r.Published.Minor}",
            r.Published?.PublishedAt, r.PublishedVersionId is not null, r.Working?.ToString()))];
    }

    public async Task AttachAsync(Guid id, Guid documentId, CurrentUser user, DocumentAccess access, CancellationToken cancellationToken)
    {
        await ArticleForEditAsync(id, user, cancellationToken);
        await access.RequireAsync(documentId, DocumentRights.Read, user, cancellationToken);
        if (!await db.ArticleAttachments.AnyAsync(a => a.ArticleId == id && a.DocumentId == documentId, cancellationToken))
        {
            db.ArticleAttachments.Add(new ArticleAttachment { ArticleId = id, DocumentId = documentId });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    internal async Task<Article> ArticleForEditAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var article = await db.Articles.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new NotFoundException($"Article {id} does not exist.");
        return CanEdit(article, user) ? article : throw new ForbiddenException("Only the author, process owners and compliance officers edit an article.");
    }

    internal async Task<ArticleVersion> LatestVersionAsync(Guid id, bool tracking, CancellationToken cancellationToken)
    {
        var query = db.ArticleVersions.Where(v => v.ArticleId == id).OrderByDescending(v => v.Major).ThenByDescending(v => v.Minor);
        return await (tracking ? query : query.AsNoTracking()).FirstAsync(cancellationToken);
    }

    private static bool CanEdit(Article article, CurrentUser user) =>
        article.CreatedBy == user.UserName || user.IsProcessOwner || user.Roles.Contains(Roles.Compliance);

    private static bool IsReviewer(CurrentUser user) => user.IsProcessOwner || user.Roles.Contains(Roles.Compliance);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static void CheckLink(string? link, Dictionary<string, string[]> errors)
    {
        if (!string.IsNullOrWhiteSpace(link) && !(Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors["webLink"] = ["Use an http or https address."];
        }
    }
}
