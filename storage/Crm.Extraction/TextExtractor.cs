namespace Crm.Extraction;

/// <summary>
/// Plain text of one file by its sniffed content type: Open XML (streamed), PDF (pdftotext or PdfPig, OCR for
/// scans), images (OCR), mail (MimeKit, charsets), text and HTML (declared or detected charset). Runs inside
/// the extraction worker; a parser's exception becomes an error message, a parser's crash is the supervisor's
/// business.
/// </summary>
public static class TextExtractor
{
    public static ExtractionResult Extract(ExtractionRequest request, ExternalTools tools, TimeSpan wallClock)
    {
        var result = ExtractRaw(request, tools, wallClock);
        return result.Text is { } text ? result with { Text = Composed(ExtractedText.Storable(text)) } : result;
    }

    /// <summary>
    /// Composed Unicode (NFC): decomposed letters ("z" + combining dot) become the letters people type, so the
    /// index and snippets fold them like any other.
    /// </summary>
    public static string Composed(string text)
    {
        try
        {
            return text.IsNormalized(System.Text.NormalizationForm.FormC) ? text : text.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text;   // a lone surrogate somewhere: keep the text as read
        }
    }

    private static ExtractionResult ExtractRaw(ExtractionRequest request, ExternalTools tools, TimeSpan wallClock)
    {
        if (!ExtractableTypes.CanExtract(request.ContentType))
        {
            return new ExtractionResult(null, null);   // archives, binaries: nothing to read, not a failure
        }

        try
        {
            if (request.ContentType == "application/pdf")
            {
                return PdfText.Read(request.Path, request, tools, wallClock);
            }

            if (ExtractableTypes.IsImage(request.ContentType))
            {
                return Ocr.Image(request.Path, request, tools, wallClock);
            }

            using var content = new FileStream(request.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            var sink = new TextSink(request.MaxChars);
            switch (request.ContentType)
            {
                case "message/rfc822":
                    MailText.Read(content, sink);
                    break;
                case "text/html":
                    PlainText.Read(content, html: true, sink, request.MaxChars);
                    break;
                case ExtractableTypes.CompoundFile:
                    LegacyText.ReadCompoundFile(content, sink, request.MaxChars);
                    return new ExtractionResult(sink.ToString(), null, "An older binary Office or Outlook file: its text was recovered without layout and may include noise.");
                case ExtractableTypes.Zip:
                    LegacyText.ReadZipNames(content, sink);
                    break;
                case ExtractableTypes.Rtf:
                    RtfText.Read(content, sink, request.MaxChars);
                    break;
                case "text/plain" or "text/csv" or "text/markdown":
                    PlainText.Read(content, html: false, sink, request.MaxChars);
                    break;
                default:
                    OfficeText.Read(content, request.ContentType, request, sink);
                    break;
            }

            return new ExtractionResult(sink.ToString(), null, sink.Full ? PdfText.Truncated(request) : null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ExtractionResult.Failed($"The {Describe(request.ContentType)} could not be read: {ex.Message}");
        }
    }

    private static string Describe(string contentType) => contentType switch
    {
        "application/pdf" => "PDF",
        "message/rfc822" => "mail",
        ExtractableTypes.Rtf => "RTF document",
        ExtractableTypes.CompoundFile => "Office or Outlook file",
        ExtractableTypes.Zip => "zip archive",
        _ when ExtractableTypes.IsOpenDocument(contentType) => "OpenDocument file",
        _ when contentType.Contains("wordprocessingml", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledWord => "Word document",
        _ when contentType.Contains("spreadsheetml", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledSheet => "spreadsheet",
        _ when contentType.Contains("presentationml", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledSlides => "presentation",
        _ => contentType + " file",
    };
}
