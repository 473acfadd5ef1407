using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Crm.Modules.Documents.Previews;

/// <summary>GET /api/documents/{id}/preview: a version as the browser should show it, always inline.</summary>
public static class PreviewApi
{
    /// <summary>No scripts anywhere; an HTML letter additionally runs sandboxed, its pictures only from inside it.</summary>
    public const string HtmlPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";
    public const string PdfPolicy = "default-src 'none'; object-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'";
    public const string OtherPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

    public static IEndpointRouteBuilder MapDocumentPreviewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/documents/{id:guid}/preview", PreviewAsync).WithTags("Documents").WithName("DocumentPreview")
            .WithSummary("The current version or ?version=n for the browser: text as UTF-8, HTML sanitised, PDF inline, Office files as a PDF rendition. Writes a register row.");
        return app;
    }

    private static async Task<FileStreamHttpResult> PreviewAsync(Guid id, int? version, CurrentUser user, HttpContext http, DocumentPreview preview, CancellationToken ct)
    {
        var shown = await preview.RunAsync(id, version, user, AccessContext.From(http), ct);
        var headers = http.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = shown.Kind switch
        {
            PreviewKind.Html => HtmlPolicy,
            PreviewKind.Pdf or PreviewKind.Office => PdfPolicy,
            _ => OtherPolicy,
        };
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.CacheControl] = "private, no-store";
        headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("inline") { FileNameStar = shown.FileName }.ToString();
        return TypedResults.Stream(shown.Content, shown.ContentType);
    }
}
