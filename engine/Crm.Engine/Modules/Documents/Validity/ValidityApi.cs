using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Documents.Validity;

/// <summary>/api/documents/{id}/validity, /api/documents/expiring, /api/documents/by-counterparty/{id}.</summary>
public static class ValidityApi
{
    public static IEndpointRouteBuilder MapDocumentValidityApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents");
        documents.MapGet("/{id:guid}/validity", GetAsync).WithName("DocumentValidity")
            .WithSummary("Valid from, valid to, counterparty, days left and the reminder day (read right).");
        documents.MapPut("/{id:guid}/validity", SetAsync).WithName("SetDocumentValidity")
            .WithSummary("Sets valid from, valid to and the counterparty (write right; a counterparty the caller cannot see is 404).");
        documents.MapGet("/expiring", ExpiringAsync).WithName("ExpiringDocuments")
            .WithSummary("Readable documents whose valid-to date is within ?days= (1 to 366, default 30); ?expired=true adds those already expired.");
        documents.MapGet("/by-counterparty/{counterpartyId:guid}", ByCounterpartyAsync).WithName("CounterpartyDocuments")
            .WithSummary("Readable documents of a counterparty the caller may see, those with a valid-to date first.");
        return app;
    }

    private static async Task<Ok<DocumentValidity>> GetAsync(Guid id, CurrentUser user, DocumentValidityBook book, CancellationToken ct) =>
        TypedResults.Ok(await book.OfAsync(id, user, ct));

    private static async Task<Ok<DocumentValidity>> SetAsync(
        Guid id, SetValidityRequest request, CurrentUser user, HttpContext http, SetDocumentValidity useCase, CancellationToken ct) =>
        TypedResults.Ok(await useCase.RunAsync(id, request, user, AccessContext.From(http), ct));

    private static async Task<Ok<List<DocumentValidity>>> ExpiringAsync(int? days, bool? expired, CurrentUser user, DocumentValidityBook book, CancellationToken ct) =>
        TypedResults.Ok(await book.ExpiringAsync(days ?? 30, expired ?? false, user, ct));

    private static async Task<Ok<List<DocumentValidity>>> ByCounterpartyAsync(Guid counterpartyId, CurrentUser user, DocumentValidityBook book, CancellationToken ct) =>
        TypedResults.Ok(await book.ForCounterpartyAsync(counterpartyId, user, ct));
}
