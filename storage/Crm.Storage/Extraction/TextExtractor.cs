using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using MimeKit;
using UglyToad.PdfPig;

namespace Crm.Storage.Extraction;

/// <summary>Limits that keep one hostile or huge file from stalling indexing.</summary>
public sealed record ExtractionLimits(long MaxBytes = 100L * 1024 * 1024, int MaxChars = 2_000_000, TimeSpan? Timeout = null, double MaxZipRatio = 100, long MaxUnzippedBytes = 500L * 1024 * 1024)
{
    public TimeSpan TimeLimit => Timeout ?? TimeSpan.FromSeconds(30);
}

/// <summary>The text of a file, or why there is none (the document stays findable by its metadata).</summary>
public sealed record ExtractionResult(string? Text, string? Error)
{
    public static ExtractionResult Failed(string error) => new(null, error);
}

/// <summary>
/// Plain text from docx, xlsx, pptx (Open XML SDK), pdf (PdfPig), txt/csv/md/html, eml (MimeKit). Bounded
/// in input size, output length, time and zip expansion; any failure becomes an error message, never an
/// exception for the caller.
/// </summary>
public static partial class TextExtractor
{
    public static bool CanExtract(string contentType) => contentType switch
    {
        "application/pdf" or "message/rfc822" or "text/html" or "text/plain" or "text/csv" or "text/markdown" => true,
        ContentSniffer.MacroEnabledWord or ContentSniffer.MacroEnabledSheet or ContentSniffer.MacroEnabledSlides => true,
        _ => contentType.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.Ordinal),
    };

    /// <summary>Extracts from a seekable stream (the caller spools object-store bytes to a temp file).</summary>
    public static async Task<ExtractionResult> ExtractAsync(Stream content, string contentType, ExtractionLimits limits, CancellationToken cancellationToken = default)
    {
        if (!CanExtract(contentType))
        {
            return new ExtractionResult(null, null);   // images, archives: nothing to read, not a failure
        }

        if (content.Length > limits.MaxBytes)
        {
            return ExtractionResult.Failed($"The file is larger than {limits.MaxBytes / 1024 / 1024} MB; only its metadata is indexed.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.TimeLimit);
        var work = Task.Run(() => Extract(content, contentType, limits), timeout.Token);
        try
        {
            var text = await work.WaitAsync(timeout.Token);
            return new ExtractionResult(Bound(text, limits.MaxChars), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ExtractionResult.Failed($"Extraction took longer than {limits.TimeLimit.TotalSeconds:0} s and was stopped.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ExtractionResult.Failed($"The {contentType} file could not be read: {ex.Message}");
        }
    }

    private static string Extract(Stream content, string contentType, ExtractionLimits limits)
    {
        content.Position = 0;
        switch (contentType)
        {
            case "application/pdf":
                using (var pdf = PdfDocument.Open(content))
                {
                    var text = new StringBuilder();
                    foreach (var page in pdf.GetPages())
                    {
                        // Words from the glyphs' positions: many PDFs place words apart without a space character,
                        // and the raw page text glues them ("BorisZbarsky"), so half the words were not findable.
                        text.AppendLine(string.Join(' ', page.GetWords().Select(w => w.Text)));
                        if (text.Length > limits.MaxChars)
                        {
                            break;
                        }
                    }

                    return text.ToString();
                }

            case "message/rfc822":
                var message = MimeMessage.Load(content);
                return $"{message.Subject}\n{message.From}\n{message.To}\n{message.TextBody ?? StripHtml(message.HtmlBody ?? "")}";
            case "text/html":
                return StripHtml(ReadText(content, limits));
            case "text/plain" or "text/csv" or "text/markdown":
                return ReadText(content, limits);
        }

        CheckZip(content, limits);
        content.Position = 0;
        if (contentType.EndsWith("wordprocessingml.document", StringComparison.Ordinal) || contentType == ContentSniffer.MacroEnabledWord)
        {
            using var word = WordprocessingDocument.Open(content, false);
            var body = word.MainDocumentPart?.Document?.Body;
            return body is null ? "" : string.Join('\n', body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
        }

        if (contentType.EndsWith("spreadsheetml.sheet", StringComparison.Ordinal) || contentType == ContentSniffer.MacroEnabledSheet)
        {
            using var workbook = SpreadsheetDocument.Open(content, false);
            var shared = workbook.WorkbookPart?.SharedStringTablePart?.SharedStringTable?.Elements<DocumentFormat.OpenXml.Spreadsheet.SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
            var text = new StringBuilder();
            foreach (var sheet in workbook.WorkbookPart?.WorksheetParts ?? [])
            {
                foreach (var cell in sheet.Worksheet?.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>() ?? [])
                {
                    var value = cell.CellValue?.Text ?? cell.InnerText;
                    if (cell.DataType?.Value == DocumentFormat.OpenXml.Spreadsheet.CellValues.SharedString && int.TryParse(value, out var index) && index < shared.Count)
                    {
                        value = shared[index];
                    }

                    text.Append(value).Append(' ');
                }

                text.AppendLine();
            }

            return text.ToString();
        }

        if (contentType.EndsWith("presentationml.presentation", StringComparison.Ordinal) || contentType == ContentSniffer.MacroEnabledSlides)
        {
            using var deck = PresentationDocument.Open(content, false);
            return string.Join('\n', (deck.PresentationPart?.SlideParts ?? []).Select(s =>
                string.Join(' ', s.Slide?.Descendants<DocumentFormat.OpenXml.Drawing.Text>().Select(t => t.Text) ?? [])));
        }

        return "";
    }

    /// <summary>Refuses zip bombs before any part is decompressed.</summary>
    private static void CheckZip(Stream content, ExtractionLimits limits)
    {
        content.Position = 0;
        using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        long compressed = 0, expanded = 0;
        foreach (var entry in zip.Entries)
        {
            compressed += entry.CompressedLength;
            expanded += entry.Length;
        }

        if (expanded > limits.MaxUnzippedBytes || (compressed > 0 && expanded / (double)compressed > limits.MaxZipRatio))
        {
            throw new InvalidDataException($"it expands to {expanded / 1024 / 1024} MB from {compressed / 1024} KB (a zip bomb?)");
        }
    }

    private static string ReadText(Stream content, ExtractionLimits limits)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var buffer = new char[Math.Min(limits.MaxChars + 1, 1 << 22)];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read);
    }

    private static string StripHtml(string html) =>
        WebUtility.HtmlDecode(Tags().Replace(ScriptsAndStyles().Replace(html, " "), " "));

    private static string Bound(string text, int maxChars) => text.Length <= maxChars ? text : text[..maxChars];

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ScriptsAndStyles();

    [GeneratedRegex("<[^>]+>", RegexOptions.None, 1000)]
    private static partial Regex Tags();
}
