using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Templates;

/// <summary>Letters from templates over HTTP: the templates, a preview of the values, one letter, a mail merge.</summary>
public static class TemplateApi
{
    public static IEndpointRouteBuilder MapTemplateApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Templates");
        templates.MapGet("/", (CurrentUser user, LetterGeneration letters, CancellationToken ct) => letters.TemplatesAsync(user, ct))
            .WithName("ListTemplates").WithSummary("Word and Excel templates in the DMS folder 'Templates' (and below) the caller may download.");
        templates.MapGet("/{id:guid}/preview", (Guid id, Guid? counterpartyId, Guid? personId, Guid? caseId, Guid? complaintId, CurrentUser user, LetterGeneration letters, CancellationToken ct) =>
                letters.PreviewAsync(id, new LetterSubject(counterpartyId, personId, caseId, complaintId), user, ct))
            .WithName("PreviewTemplate").WithSummary("The template's placeholders, which have no value, and the values the letter would get.");
        templates.MapPost("/{id:guid}/generate", async (Guid id, GenerateInput input, CurrentUser user, LetterGeneration letters, HttpContext http, CancellationToken ct) =>
            {
                var letter = await letters.GenerateAsync(new GenerateLetter(id, new LetterSubject(input.CounterpartyId, input.PersonId, input.CaseId, input.ComplaintId), input.FolderId, input.Title, input.Pdf),
                    user, AccessContext.From(http), ct);
                return TypedResults.Created($"/api/documents/{letter.DocumentId}", letter);
            })
            .WithName("GenerateLetter").WithSummary("A new document from the template filled for a company/person/case or complaint (as .docx/.xlsx, or PDF when LibreOffice is present).");
        templates.MapPost("/{id:guid}/merge", (Guid id, MergeInput input, CurrentUser user, MailMerge merge, HttpContext http, CancellationToken ct) =>
                merge.RunAsync(new MailMergeRequest(id, input.CounterpartyIds ?? [], input.FolderId, input.Pdf, input.Mail), user, AccessContext.From(http), null, ct))
            .WithName("MailMerge").WithSummary("One letter per company (at most 500), optionally mailed to each company's first person with an e-mail.");
        return app;
    }

    public sealed record GenerateInput(Guid? CounterpartyId, Guid? PersonId, Guid? CaseId, Guid? ComplaintId, Guid? FolderId, string? Title, bool Pdf);

    public sealed record MergeInput(IReadOnlyList<Guid>? CounterpartyIds, Guid? FolderId, bool Pdf, MergeMail? Mail);
}
