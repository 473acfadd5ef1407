using UglyToad.PdfPig;

namespace Crm.Extraction;

/// <summary>
/// PDF text with word boundaries: poppler's pdftotext when installed (fast, robust, native but under prlimit),
/// PdfPig's word extractor otherwise. A PDF with (almost) no text is a scan: its pages go through OCR.
/// </summary>
public static class PdfText
{
    /// <summary>Fewer letters than this per page means the pages are pictures of text.</summary>
    private const int ScanLettersPerPage = 20;

    public static ExtractionResult Read(string path, ExtractionRequest request, ExternalTools tools, TimeSpan wallClock)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var sink = new TextSink(request.MaxChars);
        int pages;
        string? pdfToTextError = null;
        if (request.UsePdfToText && tools.PdfToText is not null)
        {
            var run = tools.RunLimited(tools.PdfToText, ["-enc", "UTF-8", "-q", path, "-"], wallClock, request.MaxChars);
            if (run.TimedOut)
            {
                return ExtractionResult.Poison($"Reading the PDF took longer than {wallClock.TotalSeconds:0} s and was stopped.");
            }

            if (run.ExitCode == 0 || run.Cut)
            {
                sink.Append(run.Output);
                pages = Math.Max(1, run.Output.Count(c => c == '\f'));   // pdftotext ends each page with a form feed
                return MaybeOcr(path, request, tools, wallClock * 0.9 - started.Elapsed, sink, pages);
            }

            pdfToTextError = FirstLine(run.Errors) ?? $"pdftotext exit code {run.ExitCode}";
        }

        try
        {
            // PdfPig runs in this worker: a crafted file that overflows its stack kills the worker, not the server.
            using var pdf = PdfDocument.Open(path);
            pages = pdf.NumberOfPages;
            foreach (var page in pdf.GetPages())
            {
                sink.Append(string.Join(' ', page.GetWords().Select(w => w.Text)));
                sink.Break();
                if (sink.Full)
                {
                    break;
                }
            }

            // Bookmark titles are words people search for too. (A cyclic bookmark tree overflows PdfPig's
            // stack: the worker dies, the supervisor quarantines the file.)
            if (!sink.Full && pdf.TryGetBookmarks(out var bookmarks))
            {
                AppendTitles(bookmarks.Roots, sink, 0);
            }
        }
        catch (Exception ex) when (pdfToTextError is not null)
        {
            return ExtractionResult.Failed($"The PDF could not be read: {pdfToTextError} ({ex.Message})");
        }

        return MaybeOcr(path, request, tools, wallClock * 0.9 - started.Elapsed, sink, pages);
    }

    private static void AppendTitles(IEnumerable<UglyToad.PdfPig.Outline.BookmarkNode> nodes, TextSink sink, int depth)
    {
        foreach (var node in nodes)
        {
            if (depth > 32 || !sink.Append(node.Title ?? ""))
            {
                return;
            }

            sink.Break();
            AppendTitles(node.Children, sink, depth + 1);
        }
    }

    private static ExtractionResult MaybeOcr(string path, ExtractionRequest request, ExternalTools tools, TimeSpan wallClock, TextSink sink, int pages)
    {
        var text = sink.ToString();
        var letters = text.Count(char.IsLetter);
        if (letters >= ScanLettersPerPage * Math.Max(1, Math.Min(pages, request.MaxOcrPages)))
        {
            return new ExtractionResult(text, null, sink.Full ? Truncated(request) : null);
        }

        if (wallClock <= TimeSpan.FromSeconds(2))
        {
            return new ExtractionResult(text, null, "The PDF looks scanned, but reading it took the time OCR would have needed.");
        }

        if (!tools.CanOcr || tools.PdfToPpm is null)
        {
            return new ExtractionResult(text, null, letters == 0 ? "The PDF has no text layer and OCR is off on this server (tesseract or poppler-utils is not installed)." : null);
        }

        var ocr = Ocr.Pdf(path, request, tools, wallClock);
        if (ocr.Error is not null)
        {
            return new ExtractionResult(text, null, $"The PDF looks scanned; OCR failed: {ocr.Error}");
        }

        var joined = string.Join('\n', text, ocr.Text);
        return new ExtractionResult(joined.Length <= request.MaxChars ? joined : joined[..request.MaxChars], null, ocr.Note);
    }

    internal static string Truncated(ExtractionRequest request) => $"Only the first {request.MaxChars:N0} characters are indexed.";

    internal static string? FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

/// <summary>
/// Tesseract over images and scanned PDF pages (rendered by pdftoppm at 200 dpi, grey), Polish and English
/// models. The text is indexed like any other, so diacritic folding makes "Świętokrzyskie" findable as
/// "swietokrzyskie".
/// </summary>
public static class Ocr
{
    public static ExtractionResult Image(string path, ExtractionRequest request, ExternalTools tools, TimeSpan wallClock)
    {
        if (!tools.CanOcr)
        {
            return new ExtractionResult(null, null, "OCR is off on this server (tesseract is not installed): the image's text is not searchable.");
        }

        var run = tools.RunLimited(tools.Tesseract!, [path, "stdout", "-l", tools.OcrLanguages!], wallClock, request.MaxChars);
        if (run.TimedOut)
        {
            return ExtractionResult.Poison($"OCR took longer than {wallClock.TotalSeconds:0} s and was stopped.");
        }

        return run.ExitCode == 0 || run.Cut
            ? new ExtractionResult(run.Output, null, "Text read by OCR.")
            : ExtractionResult.Failed($"OCR could not read the image: {PdfText.FirstLine(run.Errors) ?? $"exit code {run.ExitCode}"}");
    }

    public static ExtractionResult Pdf(string path, ExtractionRequest request, ExternalTools tools, TimeSpan wallClock)
    {
        var deadline = DateTime.UtcNow + wallClock;
        var folder = Directory.CreateTempSubdirectory("crm-ocr-");
        try
        {
            var render = tools.RunLimited(tools.PdfToPpm!, ["-r", "200", "-gray", "-png", "-f", "1", "-l", request.MaxOcrPages.ToString(System.Globalization.CultureInfo.InvariantCulture), path, Path.Combine(folder.FullName, "page")], wallClock, 10_000);
            if (render.TimedOut)
            {
                return ExtractionResult.Failed("rendering the pages took too long");
            }

            var sink = new TextSink(request.MaxChars);
            var pages = folder.GetFiles("page*.png").OrderBy(f => f.Name, NaturalOrder.Instance).ToList();
            if (pages.Count == 0)
            {
                return ExtractionResult.Failed(PdfText.FirstLine(render.Errors) ?? "no page could be rendered");
            }

            foreach (var page in pages)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || sink.Full)
                {
                    break;
                }

                var run = tools.RunLimited(tools.Tesseract!, [page.FullName, "stdout", "-l", tools.OcrLanguages!], left, request.MaxChars);
                sink.Append(run.Output);
                sink.Break();
                page.Delete();
            }

            return new ExtractionResult(sink.ToString(), null, $"Text of {pages.Count} scanned page(s) read by OCR.");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
