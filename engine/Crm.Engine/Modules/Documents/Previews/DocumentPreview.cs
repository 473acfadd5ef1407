using System.Text;
using Crm.Extraction;
using Crm.Platform.Common;
using Crm.Platform.Office;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents.Previews;

/// <summary>What the preview endpoint sends: the bytes, their type (with charset for text) and how to show them.</summary>
public sealed record PreviewContent(Stream Content, string ContentType, string FileName, PreviewKind Kind);

/// <summary>
/// Shows a version in the browser. Text comes re-encoded to UTF-8 (its charset detected as extraction does), an HTML
/// letter sanitised, a PDF as it is, an Office file as a PDF rendition made by LibreOffice and kept per content in the
/// object store. Needs the read right; with read alone (no download) the preview is the extracted text. Every preview
/// writes its register row, committed before a byte is handed out.
/// </summary>
public sealed class DocumentPreview(CrmDbContext db, DocumentAccess access, DocumentService documents, IObjectStore objects)
{
    /// <summary>Text and HTML larger than this are not previewed (the page offers the download).</summary>
    public const long MaxTextBytes = 5L * 1024 * 1024;

    /// <summary>Office files larger than this are not converted: LibreOffice would take too long and too much memory.</summary>
    public const long MaxOfficeBytes = 50L * 1024 * 1024;

    public static bool OfficeAvailable => OfficeToPdf.IsAvailable;

    public async Task<PreviewContent> RunAsync(Guid id, int? version, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var (document, rights) = await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
        var number = version ?? document.CurrentVersion;
        var row = await db.DocumentVersions.AsNoTracking().SingleOrDefaultAsync(v => v.DocumentId == id && v.Number == number, cancellationToken)
            ?? throw new NotFoundException($"Document {id} has no version {number}.");
        var kind = PreviewKinds.Of(row.ContentType);
        if (!rights.HasFlag(DocumentRights.Download) || kind is PreviewKind.Pdf or PreviewKind.Image)
        {
            // Read alone gets the extracted text; a PDF or a picture goes out as it is. Both record themselves.
            var opened = await documents.OpenAsync(id, number, preview: true, user, from, cancellationToken);
            return new PreviewContent(opened.Content, opened.ContentType, opened.FileName, opened.ContentType.StartsWith("text/", StringComparison.Ordinal) ? PreviewKind.Text : kind);
        }

        var (bytes, type, name) = kind switch
        {
            PreviewKind.Text => (Encoding.UTF8.GetBytes(await TextAsync(row, cancellationToken)), "text/plain; charset=utf-8", row.FileName),
            PreviewKind.Html => (Encoding.UTF8.GetBytes(SafeHtml.Sanitize(await TextAsync(row, cancellationToken))), "text/html; charset=utf-8", row.FileName),
            PreviewKind.Office => (await RenditionAsync(row, cancellationToken), "application/pdf", Path.ChangeExtension(row.FileName, ".pdf")),
            _ => throw ValidationFailedException.For("version", $"Files of type {row.ContentType} have no preview; download the file to open it."),
        };
        documents.Record(id, number, DocumentEventKind.Previewed, user.UserName, from, new { served = kind.ToString().ToLowerInvariant(), bytes = bytes.Length });
        await db.SaveChangesAsync(cancellationToken);
        return new PreviewContent(new MemoryStream(bytes, writable: false), type, name, kind);
    }

    /// <summary>The version's text in the charset it was written in: a byte-order mark, an HTML meta tag, valid UTF-8, a detector.</summary>
    private async Task<string> TextAsync(DocumentVersion row, CancellationToken cancellationToken)
    {
        if (row.Size > MaxTextBytes)
        {
            throw ValidationFailedException.For("version", $"The file is larger than {MaxTextBytes / 1024 / 1024} MB and has no preview; download it to read it.");
        }

        var bytes = await ReadAsync(row.Sha256, cancellationToken);
        var declared = row.ContentType == "text/html" ? Charsets.HtmlDeclared(bytes) : null;
        return Charsets.Decode(bytes, Charsets.Detect(bytes, declared));
    }

    /// <summary>The PDF made from an Office file, converted once per content and then read from the object store.</summary>
    private async Task<byte[]> RenditionAsync(DocumentVersion row, CancellationToken cancellationToken)
    {
        var name = DocumentRenditions.PdfPrefix + row.Sha256.ToLowerInvariant();
        if (await objects.GetRecordAsync(name, cancellationToken) is { Length: > 0 } cached)
        {
            return cached;
        }

        if (!OfficeToPdf.IsAvailable)
        {
            throw new ConflictException("Previews of Office files are off: LibreOffice is not installed on the server. Download the file to open it.");
        }

        if (row.Size > MaxOfficeBytes)
        {
            throw ValidationFailedException.For("version", $"The file is larger than {MaxOfficeBytes / 1024 / 1024} MB and has no preview; download it to open it.");
        }

        byte[] pdf;
        try
        {
            pdf = await OfficeToPdf.ConvertAsync(await ReadAsync(row.Sha256, cancellationToken), Path.GetExtension(row.FileName), OfficeToPdf.DefaultTimeout, cancellationToken);
        }
        catch (OfficeConversionException ex)
        {
            throw new ConflictException($"No preview could be made of this file: {ex.Message}");
        }

        try
        {
            await objects.PutRecordAsync(name, pdf, cancellationToken);
        }
        catch (IOException)
        {
            // another request converted the same content meanwhile; its rendition is as good as ours
        }

        return pdf;
    }

    private async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

/// <summary>Where previews made from content are kept (object store records), so housekeeping finds them.</summary>
public static class DocumentRenditions
{
    /// <summary>A PDF made from an Office file: this prefix and the file's SHA-256 in lower-case hex.</summary>
    public const string PdfPrefix = "renditions/pdf/";
}
