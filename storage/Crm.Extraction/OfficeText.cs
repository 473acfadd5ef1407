using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml;

namespace Crm.Extraction;

/// <summary>
/// Text of Open XML documents (docx/xlsx/pptx and their macro-enabled twins), read as a stream: each part
/// through an <see cref="XmlReader"/> (no DTDs, no DOM) over an inflating stream that counts what it really
/// inflates. Zip headers are only a first filter; a part that inflates past its declared size or the total
/// budget stops the read. Macros are never run (vbaProject.bin is never opened).
/// </summary>
public static partial class OfficeText
{
    public static void Read(Stream content, string contentType, ExtractionRequest request, TextSink sink)
    {
        using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        CheckHeaders(zip, request);
        var budget = new InflateBudget(request.MaxUnzippedBytes);
        if (contentType.EndsWith("wordprocessingml.document", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledWord)
        {
            // Body first, then headers, footers, notes and comments: text a reader may look for.
            var parts = zip.Entries.Where(e => e.FullName.StartsWith("word/", StringComparison.Ordinal) && WordPart().IsMatch(e.FullName))
                .OrderBy(e => e.FullName == "word/document.xml" ? 0 : 1).ThenBy(e => e.FullName, NaturalOrder.Instance);
            foreach (var part in parts)
            {
                ReadRuns(part, budget, sink, paragraph: "p");
            }
        }
        else if (contentType.EndsWith("spreadsheetml.sheet", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledSheet)
        {
            ReadWorkbook(zip, budget, sink, request.MaxChars);
        }
        else if (ExtractableTypes.IsOpenDocument(contentType))
        {
            // OpenDocument (LibreOffice): the text is in content.xml, styles.xml holds headers and footers.
            foreach (var part in OpenDocumentParts.Select(zip.GetEntry).OfType<ZipArchiveEntry>())
            {
                ReadOpenDocument(part, budget, sink);
            }
        }
        else if (contentType.EndsWith("presentationml.presentation", StringComparison.Ordinal) || contentType == ExtractableTypes.MacroEnabledSlides)
        {
            var parts = zip.Entries.Where(e => SlidePart().IsMatch(e.FullName))
                .OrderBy(e => e.FullName.Contains("notesSlide", StringComparison.Ordinal) ? 1 : 0).ThenBy(e => e.FullName, NaturalOrder.Instance);
            foreach (var part in parts)
            {
                ReadRuns(part, budget, sink, paragraph: "p");
            }
        }
    }

    private static readonly string[] OpenDocumentParts = ["content.xml", "styles.xml"];

    /// <summary>The quick filter: what the headers admit to. Lying headers are caught while inflating.</summary>
    private static void CheckHeaders(ZipArchive zip, ExtractionRequest request)
    {
        long compressed = 0, expanded = 0;
        foreach (var entry in zip.Entries)
        {
            compressed += entry.CompressedLength;
            expanded += entry.Length;
        }

        if (expanded > request.MaxUnzippedBytes || (compressed > 0 && expanded / (double)compressed > request.MaxZipRatio))
        {
            throw new InvalidDataException($"it expands to {expanded / 1024 / 1024} MB from {compressed / 1024} KB (a zip bomb?)");
        }
    }

    /// <summary>Text runs (w:t, a:t, t) of one part; a line break after each paragraph, a space for tabs.</summary>
    private static void ReadRuns(ZipArchiveEntry part, InflateBudget budget, TextSink sink, string paragraph)
    {
        using var stream = budget.Open(part);
        using var xml = XmlReader.Create(stream, Settings);
        var inText = false;
        while (!sink.Full && xml.Read())
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element when xml.LocalName == "t":
                    inText = !xml.IsEmptyElement;
                    break;
                case XmlNodeType.Element when xml.LocalName is "tab" or "br":
                    sink.Break(xml.LocalName == "tab" ? ' ' : '\n');
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace when inText:
                    sink.Append(xml.Value);
                    break;
                case XmlNodeType.EndElement when xml.LocalName == "t":
                    inText = false;
                    break;
                case XmlNodeType.EndElement when xml.LocalName == paragraph:
                    sink.Break();
                    break;
            }
        }

        sink.Break();
    }

    /// <summary>OpenDocument text: every text node, a line break after paragraphs and headings, tabs and spaces kept.</summary>
    private static void ReadOpenDocument(ZipArchiveEntry part, InflateBudget budget, TextSink sink)
    {
        using var stream = budget.Open(part);
        using var xml = XmlReader.Create(stream, Settings);
        var inBody = part.FullName == "content.xml" ? 0 : 1;   // styles.xml: only its header/footer text
        while (!sink.Full && xml.Read())
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element when xml.LocalName is "body" or "header" or "footer":
                    inBody++;
                    break;
                case XmlNodeType.EndElement when xml.LocalName is "body" or "header" or "footer":
                    inBody--;
                    break;
                case XmlNodeType.Element when xml.LocalName is "tab" or "s":
                    sink.Break(' ');
                    break;
                case XmlNodeType.Element when xml.LocalName == "line-break":
                    sink.Break();
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace when inBody > 0 && (part.FullName == "content.xml" || inBody > 1):
                    sink.Append(xml.Value);
                    break;
                case XmlNodeType.EndElement when xml.LocalName is "p" or "h" or "table-cell":
                    sink.Break();
                    break;
            }
        }
    }

    /// <summary>Shared strings (bounded by the character cap), then each sheet's cells in order.</summary>
    private static void ReadWorkbook(ZipArchive zip, InflateBudget budget, TextSink sink, int maxChars)
    {
        var shared = new List<string>();
        if (zip.GetEntry("xl/sharedStrings.xml") is { } strings)
        {
            using var stream = budget.Open(strings);
            using var xml = XmlReader.Create(stream, Settings);
            long chars = 0;
            var item = new System.Text.StringBuilder();
            var inText = false;
            var phonetic = 0;
            while (xml.Read())
            {
                switch (xml.NodeType)
                {
                    case XmlNodeType.Element when xml.LocalName == "rPh":
                        phonetic += xml.IsEmptyElement ? 0 : 1;
                        break;
                    case XmlNodeType.EndElement when xml.LocalName == "rPh":
                        phonetic--;
                        break;
                    case XmlNodeType.Element when xml.LocalName == "si" && xml.IsEmptyElement:
                        shared.Add("");   // <si/>: an empty string still takes its index
                        break;
                    case XmlNodeType.Element when xml.LocalName == "t":
                        inText = !xml.IsEmptyElement && phonetic == 0;
                        break;
                    case XmlNodeType.EndElement when xml.LocalName == "t":
                        inText = false;
                        break;
                    case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace when inText && chars + item.Length < maxChars:
                        item.Append(xml.Value);
                        break;
                    case XmlNodeType.EndElement when xml.LocalName == "si":
                        chars += item.Length;
                        // Past the cap only the index positions matter: keep empty strings, not text.
                        shared.Add(chars <= maxChars ? item.ToString() : "");
                        item.Clear();
                        break;
                }
            }
        }

        var sheets = zip.Entries.Where(e => SheetPart().IsMatch(e.FullName)).OrderBy(e => e.FullName, NaturalOrder.Instance);
        foreach (var sheet in sheets)
        {
            if (sink.Full)
            {
                return;
            }

            using var stream = budget.Open(sheet);
            using var xml = XmlReader.Create(stream, Settings);
            string? cellType = null;
            var inValue = false;
            while (!sink.Full && xml.Read())
            {
                switch (xml.NodeType)
                {
                    case XmlNodeType.Element when xml.LocalName == "c":
                        cellType = xml.GetAttribute("t");
                        break;
                    case XmlNodeType.Element when xml.LocalName is "v" or "t":
                        inValue = !xml.IsEmptyElement;
                        break;
                    case XmlNodeType.EndElement when xml.LocalName is "v" or "t":
                        inValue = false;
                        break;
                    case XmlNodeType.Text when inValue:
                        var value = xml.Value;
                        if (cellType == "s")
                        {
                            value = int.TryParse(value, out var index) && index >= 0 && index < shared.Count ? shared[index] : "";
                        }

                        if (value.Length > 0)
                        {
                            sink.Append(value);
                            sink.Break(' ');
                        }

                        break;
                    case XmlNodeType.EndElement when xml.LocalName == "row":
                        sink.Break();
                        break;
                }
            }

            sink.Break();
        }
    }

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,   // entity expansion ("billion laughs") is refused outright
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    [GeneratedRegex(@"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")]
    private static partial Regex WordPart();

    [GeneratedRegex(@"^ppt/(slides/slide\d+|notesSlides/notesSlide\d+)\.xml$")]
    private static partial Regex SlidePart();

    [GeneratedRegex(@"^xl/worksheets/sheet\d+\.xml$")]
    private static partial Regex SheetPart();
}

/// <summary>Counts inflated bytes across all parts of one file against its budget.</summary>
internal sealed class InflateBudget(long total)
{
    private long _spent;

    public Stream Open(ZipArchiveEntry entry) => new InflateGuard(entry.Open(), entry.FullName, entry.Length, this);

    internal void Spend(int bytes, string part)
    {
        _spent += bytes;
        if (_spent > total)
        {
            throw new InvalidDataException($"its parts inflate to more than {total / 1024 / 1024} MB (at {part}; a zip bomb?)");
        }
    }
}

/// <summary>
/// An inflating stream that refuses to give more bytes than the entry declared: a zip whose headers understate
/// sizes (to pass a ratio check) is stopped at the lie, not after inflating it all.
/// </summary>
internal sealed class InflateGuard(Stream inner, string part, long declared, InflateBudget budget) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    private int Count(int read)
    {
        _read += read;
        if (_read > declared)
        {
            throw new InvalidDataException($"{part} inflates past the {declared} bytes its header declares (a zip bomb?)");
        }

        budget.Spend(read, part);
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>"sheet2" before "sheet10".</summary>
internal sealed partial class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = Number().Match(x ?? "");
        var b = Number().Match(y ?? "");
        if (a.Success && b.Success && x![..a.Index] == y![..b.Index] && long.TryParse(a.Value, out var m) && long.TryParse(b.Value, out var n) && m != n)
        {
            return m.CompareTo(n);
        }

        return string.CompareOrdinal(x, y);
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
