using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

/// <summary>HTTP API of notes on counterparties, persons, activities, tasks and cases.</summary>
public static class NoteApi
{
    public static IEndpointRouteBuilder MapNoteApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/notes", async (CreateNoteRequest request, CurrentUser user, NoteBook notes, CancellationToken ct) =>
            TypedResults.Created("/api/notes", new { id = await notes.CreateAsync(request, user, ct) })).WithTags("CRM").WithName("CreateNote")
            .WithSummary("text, and a counterpartyId or personId, optionally tied to an activityId, caseId or taskId (what these imply is filled in).");
        app.MapDelete("/api/notes/{id:guid}", async (Guid id, CurrentUser user, NoteBook notes, CancellationToken ct) =>
        {
            await notes.DeleteAsync(id, user, ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("RemoveNote").WithSummary("The note's author or a manager; audited.");
        app.MapGet("/api/notes", async (Guid? personId, Guid? activityId, Guid? taskId, CurrentUser user, NoteBook notes, CancellationToken ct) =>
            TypedResults.Ok(await notes.ListAsync(new NoteQuery(personId, activityId, taskId), user, ct)))
            .WithTags("CRM").WithName("ListNotes").WithSummary("The notes on one person, activity or task (exactly one of personId, activityId, taskId).");
        return app;
    }
}
