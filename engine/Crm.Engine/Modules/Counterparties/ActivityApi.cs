using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

/// <summary>HTTP API of activities (contacts): list, export, status, follow-ups, attached documents.</summary>
public static class ActivityApi
{
    public static IEndpointRouteBuilder MapActivityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/activities", async (string? show, string? employee, Guid? counterpartyId, Guid? personId, int? page, int? pageSize, string[]? filter, string? sort, bool? desc,
                CurrentUser user, ActivityBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(new ActivityListQuery(show, employee, counterpartyId, page ?? 1, pageSize ?? 25, CounterpartyApi.Filters(filter), sort, desc == true, PersonId: personId),
                user, ct)))
            .WithTags("CRM").WithName("ListActivities")
            .WithSummary("show = planned (default), overdue, done, cancelled or all; employee (default you, * for everyone you may see); counterpartyId; personId; filter=field:op:value (repeatable); sort (at, subject, type, direction, status, counterparty, employee, durationMinutes) and desc.");
        app.MapGet("/api/activities/export", async (string? show, string? employee, Guid? counterpartyId, string[]? filter, string? sort, bool? desc, string? columns,
                CurrentUser user, ActivityBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportAsync(new ActivityListQuery(show, employee, counterpartyId, 1, 1, CounterpartyApi.Filters(filter), sort, desc == true, CounterpartyApi.Columns(columns)), user, ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"activities-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithTags("CRM").WithName("ExportActivities").WithSummary("The activity list as .xlsx with the same show, employee, filters and order, in the columns given (columns=at,type,...; the subject always first).");
        app.MapPut("/api/activities/{id:guid}/status", async (Guid id, ActivityStatusChange body, CurrentUser user, ActivityBook book, CancellationToken ct) =>
        {
            await book.SetStatusAsync(id, body.Status, body.DurationMinutes, user, ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("CloseActivity").WithSummary("A planned activity becomes done (with durationMinutes) or cancelled; 409 when it is closed already.");
        app.MapPost("/api/activities/{id:guid}/follow-up", async (Guid id, FollowUpRequest body, CurrentUser user, ActivityBook book, CancellationToken ct) =>
            TypedResults.Created("/api/activities", new { id = await book.PlanFollowUpAsync(id, body.Type, body.At, body.Subject, user, ct) }))
            .WithTags("CRM").WithName("PlanFollowUp").WithSummary("Plans the next contact after this activity (same counterparty, person and case).");
        app.MapPost("/api/activities", async (CreateActivityRequest request, CurrentUser user, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/activities", new { id = await service.CreateActivityAsync(request, user, ct) })).WithTags("CRM").WithName("CreateActivity");
        app.MapGet("/api/activities/{id:guid}/documents", async (Guid id, CurrentUser user, ActivityDocuments documents, CancellationToken ct) =>
            TypedResults.Ok(await documents.ListAsync(id, user, ct)))
            .WithTags("CRM").WithName("ActivityDocuments").WithSummary("Documents of the activity you may read: attached ones (removable) and those whose links name it.");
        app.MapPost("/api/activities/{id:guid}/documents", async (Guid id, AttachDocumentRequest body, CurrentUser user, ActivityDocuments documents, CancellationToken ct) =>
        {
            await documents.AttachAsync(id, body.DocumentId, user, ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("AttachActivityDocument").WithSummary("{documentId}: a document you may read; attaching it again changes nothing.");
        app.MapDelete("/api/activities/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, CurrentUser user, ActivityDocuments documents, CancellationToken ct) =>
        {
            await documents.DetachAsync(id, documentId, user, ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("DetachActivityDocument").WithSummary("The activity's employee, whoever attached it, or a manager.");
        app.MapGet("/api/documents/{id:guid}/activities", async (Guid id, CurrentUser user, ActivityDocuments documents, CancellationToken ct) =>
            TypedResults.Ok(await documents.ActivitiesOfAsync(id, user, ct)))
            .WithTags("CRM").WithName("DocumentActivities").WithSummary("The contacts this document is attached to (of counterparties you may see).");
        return app;
    }
}

public sealed record ActivityStatusChange(string? Status, int? DurationMinutes);

public sealed record FollowUpRequest(string? Type, DateTimeOffset? At, string? Subject);

public sealed record AttachDocumentRequest(Guid DocumentId);
