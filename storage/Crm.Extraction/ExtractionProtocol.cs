using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Extraction;

/// <summary>
/// Limits that keep one hostile or huge file from stalling indexing or eating memory. The zip ratio is only a
/// quick first filter (spreadsheet XML legitimately compresses a few hundred times); what a part really
/// inflates is counted against <see cref="MaxUnzippedBytes"/> while reading.
/// </summary>
public sealed record ExtractionLimits(
    long MaxBytes = 100L * 1024 * 1024,
    int MaxChars = 2_000_000,
    TimeSpan? Timeout = null,
    double MaxZipRatio = 1000,
    long MaxUnzippedBytes = 500L * 1024 * 1024,
    int MaxOcrPages = 20)
{
    public TimeSpan TimeLimit => Timeout ?? TimeSpan.FromSeconds(60);
}

/// <summary>One file for a worker to read: a local path the server spooled, never an object-store key.</summary>
public sealed record ExtractionRequest(string Path, string ContentType, int MaxChars, long MaxUnzippedBytes, double MaxZipRatio, int MaxOcrPages, bool UsePdfToText = true, double TimeoutSeconds = 60);

/// <summary>
/// The text of a file, or why there is none (the document stays findable by its name and metadata).
/// <see cref="Note"/> tells a reader something about a text that was read (cut at the limit, read by OCR, OCR off).
/// <see cref="Poisoned"/> marks a file that crashed, hung or exhausted a worker: it is quarantined, not retried.
/// </summary>
public sealed record ExtractionResult(string? Text, string? Error, string? Note = null, bool Poisoned = false)
{
    public static ExtractionResult Failed(string error) => new(null, error);

    public static ExtractionResult Poison(string error) => new(null, error, null, true);
}

/// <summary>What a worker reports when it starts: which optional readers this machine has.</summary>
public sealed record WorkerReady(bool Ready, bool PdfToText, bool Ocr, string? OcrLanguages);

/// <summary>One JSON document per line on the worker's stdin and stdout.</summary>
public static class ExtractionProtocol
{
    // Letters as they are, not \uXXXX: a 2 000 000-character Polish text stays about that long on the wire.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Which content types have text a worker can read (images only through OCR).</summary>
public static class ExtractableTypes
{
    public const string MacroEnabledWord = "application/vnd.ms-word.document.macroEnabled.12";
    public const string MacroEnabledSheet = "application/vnd.ms-excel.sheet.macroEnabled.12";
    public const string MacroEnabledSlides = "application/vnd.ms-powerpoint.presentation.macroEnabled.12";

    public const string OpenDocumentText = "application/vnd.oasis.opendocument.text";
    public const string OpenDocumentSheet = "application/vnd.oasis.opendocument.spreadsheet";
    public const string OpenDocumentSlides = "application/vnd.oasis.opendocument.presentation";
    public const string Rtf = "application/rtf";
    /// <summary>An OLE compound file: .doc, .xls, .ppt, .msg and their kin.</summary>
    public const string CompoundFile = "application/x-ole-storage";
    public const string Zip = "application/zip";

    public static bool IsOpenDocument(string contentType) => contentType.StartsWith("application/vnd.oasis.opendocument.", StringComparison.Ordinal);

    public static bool IsImage(string contentType) => contentType is "image/png" or "image/jpeg" or "image/tiff" or "image/gif" or "image/bmp" or "image/webp";

    public static bool CanExtract(string contentType) => contentType switch
    {
        "application/pdf" or "message/rfc822" or "text/html" or "text/plain" or "text/csv" or "text/markdown" => true,
        MacroEnabledWord or MacroEnabledSheet or MacroEnabledSlides or Rtf or CompoundFile or Zip => true,
        OpenDocumentText or OpenDocumentSheet or OpenDocumentSlides => true,
        _ => IsImage(contentType) || contentType.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.Ordinal),
    };
}

/// <summary>Rules for text that leaves a worker, shared with the server (which never calls the parsers).</summary>
public static class ExtractedText
{
    /// <summary>
    /// Text any database stores: control characters other than tab, line feed, carriage return and form feed become
    /// spaces (PostgreSQL refuses NUL in text; a stray byte in a mail must not stop the whole index batch).
    /// </summary>
    public static string Storable(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u0008') && !text.AsSpan().ContainsAnyInRange('\u000B', '\u000B')
            && !text.AsSpan().ContainsAnyInRange('\u000E', '\u001F') && !text.Contains('\u007F', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is < ' ' and not ('\t' or '\n' or '\r' or '\f') or '\u007F' ? ' ' : c;
            }
        });
    }

}
