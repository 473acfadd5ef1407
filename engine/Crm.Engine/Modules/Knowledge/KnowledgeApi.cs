using Crm.Platform.Common;
using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Knowledge;

/// <summary>HTTP API of the knowledge base, mandatory reading and the compliance exports.</summary>
public static class KnowledgeApi
{
    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var articles = app.MapGroup("/api/articles").WithTags("Knowledge base");
        articles.MapPost("/", async (CreateArticleRequest request, CurrentUser user, ArticleService service, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(request, user, ct);
            return TypedResults.Created($"/api/articles/{created.Id}", created);
        }).WithName("CreateArticle").WithSummary("{title, body (Markdown), classification?, keywords?, webLink?} → 201 {id, version}.");
        articles.MapGet("/", async (string? search, string? classification, CurrentUser user, ArticleService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(search, classification, user, ct))).WithName("ListArticles");
        articles.MapGet("/{id:guid}", async (Guid id, bool? draft, CurrentUser user, ArticleService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, draft == true, user, ct)))
            .WithName("GetArticle").WithSummary("Readers get the latest published version; editors may ask for the working one with draft=true.");
        articles.MapPut("/{id:guid}", async (Guid id, UpdateArticleRequest request, CurrentUser user, ArticleService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateAsync(id, request, user, ct)))
            .WithName("UpdateArticle").WithSummary("Edits the working version; after a publication starts the next one (major=true: readers must read again).");
        articles.MapPost("/{id:guid}/submit", async (Guid id, CurrentUser user, PublishArticle publication, CancellationToken ct) =>
            TypedResults.Ok(await publication.SubmitAsync(id, user, ct)))
            .WithName("SubmitArticle").WithSummary("Sends the working version to review (the kb-article-publish process).");
        articles.MapPost("/{id:guid}/attachments/{documentId:guid}", async (Guid id, Guid documentId, CurrentUser user, ArticleService service, DocumentAccess access, CancellationToken ct) =>
        {
            await service.AttachAsync(id, documentId, user, access, ct);
            return TypedResults.NoContent();
        }).WithName("AttachDocument");
        articles.MapPost("/{id:guid}/open", async (Guid id, CurrentUser user, HttpContext http, ReadingService service, CancellationToken ct) =>
            TypedResults.Ok(await service.OpenAsync(id, user, AccessContext.From(http), ct)))
            .WithName("OpenArticle").WithSummary("Records that the caller opened the article (the version they must read, else the published one).");
        articles.MapPost("/{id:guid}/confirm-read", async (Guid id, CurrentUser user, HttpContext http, ReadingService service, CancellationToken ct) =>
        {
            var confirmation = await service.ConfirmAsync(id, user, AccessContext.From(http), ct);
            return TypedResults.Created($"/api/articles/{id}", confirmation);
        }).WithName("ConfirmRead").WithSummary("\"I have read and understood\" → 201; 409 when not opened first or not required.");

        var assignments = app.MapGroup("/api/reading-assignments").WithTags("Mandatory reading");
        assignments.MapPost("/", async (CreateAssignmentRequest request, CurrentUser user, ReadingService service, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(request, user, ct);
            return TypedResults.Created($"/api/reading-assignments/{created.Id}", created);
        }).WithName("CreateReadingAssignment").WithSummary("{articleId, version?, userIds?, groupIds?, dueAt, joinCutoff?} → 201 {id, readers}.");
        assignments.MapGet("/", async (Guid? articleId, CurrentUser user, ReadingService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(articleId, user, ct))).WithName("ListReadingAssignments");
        assignments.MapGet("/{id:guid}", async (Guid id, CurrentUser user, ReadingService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, user, ct)))
            .WithName("GetReadingAssignment").WithSummary("Per reader {userId, status: pending|confirmed|overdue|withdrawn, confirmedAt?, version}.");
        assignments.MapPost("/{id:guid}/withdraw", async (Guid id, CurrentUser user, ReadingService service, CancellationToken ct) =>
            TypedResults.Ok(await service.WithdrawAsync(id, user, ct))).WithName("WithdrawReadingAssignment");
        assignments.MapGet("/{id:guid}/export", async (Guid id, string? group, string? status, DateTimeOffset? from, DateTimeOffset? to, CurrentUser user, ComplianceService service, CancellationToken ct) =>
                TypedResults.File(await service.ExportAsync(id, new ReaderFilter(group, status, from, to), user, ct),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"confirmations-{id.ToString()[..8]}.xlsx"))
            .WithName("ExportReadingAssignment").WithSummary("The reader list as .xlsx with the filters applied (group, status, from, to).");
        assignments.MapGet("/{id:guid}/evidence", async (Guid id, CurrentUser user, ComplianceService service, CancellationToken ct) =>
                TypedResults.File(await service.EvidenceAsync(id, user, ct), "application/zip", $"evidence-{id.ToString()[..8]}.zip"))
            .WithName("ReadingEvidence").WithSummary("ZIP for an auditor: the article version as HTML, the confirmations as .xlsx, the audit-chain verification.");
        app.MapGet("/api/me/readings", async (CurrentUser user, ReadingService service, CancellationToken ct) =>
            TypedResults.Ok(await service.PendingForAsync(user.UserName, ct))).WithTags("Mandatory reading").WithName("MyPendingReadings");
        return app;
    }
}
