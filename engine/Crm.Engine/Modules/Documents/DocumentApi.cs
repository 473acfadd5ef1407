using Microsoft.AspNetCore.Http.HttpResults;
using Crm.Modules.Documents.Checkout;
using Crm.Platform.Common;
using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Crm.Modules.Documents;

public sealed record StatusRequest(string Status);

public sealed record TemplateRequest(Guid TemplateId, Guid FolderId, string? Title);

/// <summary>HTTP API for folders, documents, versions, check-out, the register and search.</summary>
public sealed record CheckedIn(int Version);

public static class DocumentApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapDocumentApi(this IEndpointRouteBuilder app)
    {
        var folders = app.MapGroup("/api/folders").WithTags("Folders");
        folders.MapPost("/", async (CreateFolderRequest request, CurrentUser user, FolderService service, CancellationToken ct) =>
        {
            var folder = await service.CreateAsync(request, user, ct);
            return TypedResults.Created($"/api/folders/{folder.Id}", folder);
        }).WithName("CreateFolder");
        folders.MapGet("/", async (CurrentUser user, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.TreeAsync(user, ct))).WithName("FolderTree").WithSummary("Every folder the caller can read.");
        folders.MapGet("/{id:guid}/children", async (Guid id, string? type, string? status, string? owner, string? sortBy, int? page, int? pageSize, CurrentUser user, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ChildrenAsync(id, type, status, owner, sortBy, page ?? 1, pageSize ?? 50, user, ct))).WithName("FolderChildren");
        folders.MapGet("/{id:guid}/permissions", async (Guid id, CurrentUser user, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.FolderPermissionsAsync(id, user, ct))).WithName("FolderPermissions");
        folders.MapPut("/{id:guid}/permissions", async (Guid id, List<PermissionEntry> entries, CurrentUser user, HttpContext http, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.SetFolderPermissionsAsync(id, entries, user, From(http), ct))).WithName("SetFolderPermissions");

        var documents = app.MapGroup("/api/documents").WithTags("Documents");
        documents.MapPost("/", async (CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
        {
            var access = http.RequestServices.GetRequiredService<DocumentAccess>();
            // Rights are checked before any byte is stored (folderId must come before the file).
            var form = await ReadUploadAsync(http, fields => access.RequireFolderAsync(
                Guid.TryParse(fields.GetValueOrDefault("folderId"), out var folder) ? folder : throw ValidationFailedException.For("folderId", "Send folderId (a folder id) before the file."),
                DocumentRights.Write, user, ct), ct);
            var created = await service.CreateAsync(new CreateDocumentRequest(form.Guid("folderId"), form.Text("title"), form.Text("type")), form.File, user, From(http), ct);
            return TypedResults.Created($"/api/documents/{created.Id}", created);
        }).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery().WithName("UploadDocument")
          .WithSummary("Multipart: folderId (before the file), file, title?, type?. The bytes stream to the object store; the type is sniffed from them.");
        documents.MapGet("/{id:guid}", async (Guid id, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, user, From(http), ct))).WithName("GetDocument");
        documents.MapPatch("/{id:guid}", async (Guid id, UpdateDocumentRequest request, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateAsync(id, request, user, From(http), ct))).WithName("UpdateDocument");
        documents.MapPost("/{id:guid}/status", async (Guid id, StatusRequest request, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
            TypedResults.Ok(await service.SetStatusAsync(id, request.Status, user, From(http), ct))).WithName("SetDocumentStatus");
        documents.MapGet("/{id:guid}/versions", async (Guid id, CurrentUser user, DocumentService service, CancellationToken ct) =>
            TypedResults.Ok(await service.VersionsAsync(id, user, ct))).WithName("DocumentVersions");
        documents.MapPost("/{id:guid}/versions", async (Guid id, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
        {
            var form = await ReadUploadAsync(http, _ => RequireWriteAsync(http, id, ct), ct);
            var version = await service.AddVersionAsync(id, form.File, form.Text("comment"), user, From(http), ct);
            return TypedResults.Created($"/api/documents/{id}/content?version={version}", new { version });
        }).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery().WithName("AddDocumentVersion");
        documents.MapPost("/{id:guid}/retry-extraction", async (Guid id, CurrentUser user, DocumentService service, CancellationToken ct) =>
        {
            await service.RetryExtractionAsync(id, user, ct);
            return TypedResults.Accepted($"/api/documents/{id}/versions");
        }).WithName("RetryExtraction");
        documents.MapGet("/{id:guid}/content", async (Guid id, int? version, string? disposition, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
        {
            var preview = string.Equals(disposition, "inline", StringComparison.OrdinalIgnoreCase);
            var opened = await service.OpenAsync(id, version, preview, user, From(http), ct);
            // Never let a browser run uploaded HTML or scripts from our origin.
            http.Response.Headers[HeaderNames.ContentSecurityPolicy] = opened.ContentType == "application/pdf" ? "default-src 'none'; object-src 'self'" : "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
            http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            var type = preview && opened.ContentType == "text/html" ? "text/plain; charset=utf-8" : opened.ContentType;
            return new ContentResult(opened.Content, type, preview ? null : opened.FileName, opened.Size);
        }).Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").WithName("DocumentContent").WithSummary("The bytes of the current version or ?version=n; ?disposition=inline previews. Every call writes a register row first.");
        documents.MapGet("/{id:guid}/compare", async (Guid id, int from, int to, CurrentUser user, HttpContext http, DocumentCompare service, CancellationToken ct) =>
            TypedResults.Ok(await service.CompareAsync(id, from, to, user, From(http), ct))).WithName("CompareVersions");
        documents.MapPost("/from-template", async (TemplateRequest request, CurrentUser user, HttpContext http, DocumentService service, CancellationToken ct) =>
        {
            var created = await service.CreateFromTemplateAsync(request.TemplateId, request.FolderId, request.Title, user, From(http), ct);
            return TypedResults.Created($"/api/documents/{created.Id}", created);
        }).WithName("CreateFromTemplate");
        documents.MapGet("/{id:guid}/permissions", async (Guid id, CurrentUser user, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.DocumentPermissionsAsync(id, user, ct))).WithName("DocumentPermissions");
        documents.MapPut("/{id:guid}/permissions", async (Guid id, List<PermissionEntry> entries, CurrentUser user, HttpContext http, FolderService service, CancellationToken ct) =>
            TypedResults.Ok(await service.SetDocumentPermissionsAsync(id, entries, user, From(http), ct)))
            .WithName("SetDocumentPermissions").WithSummary("Narrows the folder's permissions for this document; [] returns to the folder's.");

        documents.MapPost("/{id:guid}/checkout", CheckOutAsync).WithName("CheckOut");
        documents.MapPost("/{id:guid}/checkin", CheckInAsync).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery().WithName("CheckIn");
        documents.MapPost("/{id:guid}/cancel-checkout", CancelCheckOutAsync).WithName("CancelCheckOut");
        documents.MapPost("/{id:guid}/force-unlock", ForceUnlockAsync).WithName("ForceUnlock");

        documents.MapGet("/{id:guid}/access-log", async (Guid id, string? userName, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, string? format, CurrentUser user, AccessRegister register, CancellationToken ct) =>
            await RegisterAsync(new RegisterQuery(id, userName, kind, from, to, page ?? 1, pageSize ?? 50), format, user, register, ct))
            .WithTags("Register").WithName("DocumentAccessLog").WithSummary("The document's register; ?format=xlsx exports it.");
        app.MapGet("/api/access-log", async (Guid? userId, string? userName, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, string? format, CurrentUser user, AccessRegister register, UserDirectory users, CancellationToken ct) =>
        {
            var name = userName;
            if (userId is { } uid)
            {
                name = (await users.FindAsync(uid, ct) ?? throw new NotFoundException($"User {uid} does not exist.")).UserName;
            }

            return await RegisterAsync(new RegisterQuery(null, name, kind, from, to, page ?? 1, pageSize ?? 50), format, user, register, ct);
        }).WithTags("Register").WithName("AccessLog").WithSummary("The register across documents (compliance officers and admins), e.g. ?userId= for one person; ?format=xlsx exports it.");

        app.MapGet("/api/document-types", (IOptions<DocumentOptions> options) => TypedResults.Ok(options.Value.Types))
            .WithTags("Documents").WithName("DocumentTypes").WithSummary("The document-type dictionary (Crm:Documents:Types).");
        app.MapGet("/api/admin/content", async (CurrentUser user, ContentMaintenance maintenance, CancellationToken ct) =>
            TypedResults.Ok(await maintenance.GetAsync(user, ct))).WithName("ContentMaintenance").WithTags("Administration");
        app.MapPost("/api/admin/content/collect-blobs", async (CurrentUser user, ContentMaintenance maintenance, CancellationToken ct) =>
            TypedResults.Ok(await maintenance.CollectBlobsAsync(user, ct))).WithName("CollectBlobs").WithTags("Administration");
        app.MapGet("/api/search", async (string? q, Guid? folderId, string? type, string? status, string? owner, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CurrentUser user, HttpContext http, SearchService search, CancellationToken ct) =>
            TypedResults.Ok(await search.SearchAsync(new SearchRequest(q, folderId, type, status, owner, from, to, page ?? 1, pageSize ?? 20), user, From(http), ct)))
            .WithTags("Search").WithName("Search").WithSummary("Full-text search with snippets; only what the caller may read is found and counted.");
        return app;
    }

    private static async Task<IResult> RegisterAsync(RegisterQuery query, string? format, CurrentUser user, AccessRegister register, CancellationToken ct)
    {
        if (string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.File(await register.ExportAsync(query, user, ct), Xlsx, $"register-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx");
        }

        return TypedResults.Ok(await register.ListAsync(query, user, ct));
    }

    public static AccessContext From(HttpContext http) => AccessContext.From(http);

    private static async Task<Ok<DocumentView>> CheckOutAsync(Guid id, CurrentUser user, HttpContext http, CheckOut checkOut, CancellationToken ct) =>
        TypedResults.Ok(await checkOut.RunAsync(id, user, From(http), ct));

    /// <summary>The rights check (write + holding the lock) runs before the file part is read; then the bytes are stored and the check-in completes.</summary>
    private static async Task<Created<CheckedIn>> CheckInAsync(Guid id, CurrentUser user, HttpContext http, CheckIn checkIn, CancellationToken ct)
    {
        var checkInTask = Guid.Empty;
        var form = await ReadUploadAsync(http, async _ => checkInTask = await checkIn.AuthorizeAsync(id, user, ct), ct);
        var version = await checkIn.CompleteAsync(id, checkInTask, form.File, form.Text("comment"), user, From(http), ct);
        return TypedResults.Created($"/api/documents/{id}/content?version={version}", new CheckedIn(version));
    }

    private static async Task<NoContent> CancelCheckOutAsync(Guid id, CurrentUser user, HttpContext http, CancelCheckOut cancel, CancellationToken ct)
    {
        await cancel.RunAsync(id, user, From(http), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DocumentView>> ForceUnlockAsync(Guid id, CurrentUser user, HttpContext http, ForceUnlock forceUnlock, CancellationToken ct) =>
        TypedResults.Ok(await forceUnlock.RunAsync(id, user, From(http), ct));

    private static async Task RequireWriteAsync(HttpContext http, Guid id, CancellationToken ct) =>
        await http.RequestServices.GetRequiredService<DocumentAccess>().RequireAsync(id, DocumentRights.Write, CurrentUser.From(http.User), ct);

    /// <summary>
    /// Reads a multipart upload section by section: fields into a dictionary, the file straight into the
    /// object store, after <paramref name="beforeFile"/> checked the caller's rights with the fields so far.
    /// </summary>
    private static async Task<UploadForm> ReadUploadAsync(HttpContext http, Func<Dictionary<string, string>, Task> beforeFile, CancellationToken ct)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<DocumentOptions>>().Value;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes + 1024 * 1024;
        }

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw ValidationFailedException.For("file", "Send multipart/form-data with a part named 'file'.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value ?? throw ValidationFailedException.For("file", "The multipart boundary is missing.");
        // A 64 KB buffer instead of the default 4 KB: a 50 MB file is read in 800 pieces, not 12 800.
        var reader = new MultipartReader(boundary, http.Request.Body, 64 * 1024) { HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        StoredFile? file = null;
        var service = http.RequestServices.GetRequiredService<DocumentService>();
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (file is not null)
                    {
                        throw ValidationFailedException.For("file", "Send one file per request.");
                    }

                    await beforeFile(fields);
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    file = await service.StoreAsync(new UploadedFile(fileName ?? "file", section.Body), ct);
                }
                else if (fields.Count < 20)
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[4096];
                    var read = await text.ReadBlockAsync(buffer, ct);
                    fields[name] = new string(buffer, 0, read);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw ValidationFailedException.For("file", $"The file is larger than {options.MaxUploadBytes / 1024 / 1024} MB.");
        }

        return new UploadForm(fields, file ?? throw ValidationFailedException.For("file", "Attach the file in a part named 'file'."));
    }

    private sealed record UploadForm(Dictionary<string, string> Fields, StoredFile File)
    {
        public string? Text(string name) => Fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        public Guid Guid(string name) => System.Guid.TryParse(Text(name), out var id) ? id : throw ValidationFailedException.For(name, $"Give {name} (a folder id).");
    }
}
