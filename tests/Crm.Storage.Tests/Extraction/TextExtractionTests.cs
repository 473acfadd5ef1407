using System.IO.Compression;
using System.Text;
using Crm.Extraction;
using Crm.Storage.Extraction;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using MimeKit;
using UglyToad.PdfPig.Writer;
using Xunit;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Storage.Tests.Extraction;

/// <summary>Every supported format from real files made here with the same libraries other programs use.</summary>
public sealed class TextExtractionTests
{
    private const string Marker = "Zażółć gęślą jaźń 4711";
    private static readonly ExtractionLimits Limits = new(MaxZipRatio: 100);

    [Fact]
    public async Task Docx() => await AssertExtractsAsync(Word(Marker), "umowa.docx");

    [Fact]
    public async Task Xlsx() => await AssertExtractsAsync(Sheet(Marker), "ceny.xlsx");

    [Fact]
    public async Task Pptx() => await AssertExtractsAsync(Slides(Marker), "prezentacja.pptx");

    [Fact]
    public async Task Pdf()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        page.AddText("Invoice 4711 for services", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);

        var result = await ExtractAsync(builder.Build(), "faktura.pdf");

        Assert.Null(result.Error);
        Assert.Contains("Invoice 4711", result.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("prices.csv", "text/csv")]
    [InlineData("readme.md", "text/markdown")]
    public async Task PlainText(string fileName, string expectedType)
    {
        var bytes = Encoding.UTF8.GetBytes($"title;{Marker}\n");
        Assert.Equal(expectedType, ContentSniffer.Sniff(bytes, fileName));
        await AssertExtractsAsync(bytes, fileName);
    }

    [Fact]
    public async Task Html_WithoutTagsAndScripts()
    {
        var bytes = Encoding.UTF8.GetBytes($"<!DOCTYPE html><html><head><script>var secret = 1;</script></head><body><p>{Marker} &amp; more</p></body></html>");

        var result = await ExtractAsync(bytes, "page.html");

        Assert.Contains(Marker + " & more", result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eml()
    {
        var message = new MimeMessage { Subject = "Reklamacja 4711" };
        message.From.Add(new MailboxAddress("Klient", "klient@example.com"));
        message.To.Add(new MailboxAddress("Biuro", "biuro@example.com"));
        message.Body = new TextPart("plain") { Text = Marker };
        using var memory = new MemoryStream();
        await message.WriteToAsync(memory);

        var result = await ExtractAsync(memory.ToArray(), "mail.eml");

        Assert.Contains("Reklamacja 4711", result.Text, StringComparison.Ordinal);
        Assert.Contains(Marker, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZipBomb_IsRefusedBeforeDecompressing()
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize);
            await using var stream = entry.Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++)
            {
                await stream.WriteAsync(zeros);
            }
        }

        var result = await ExtractAsync(memory.ToArray(), "bomb.docx");

        Assert.Null(result.Text);
        Assert.Contains("zip bomb", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptPdf_GivesAnErrorNotAnException()
    {
        var result = await ExtractAsync("%PDF-1.7\nthis is not a pdf"u8.ToArray(), "broken.pdf");

        Assert.Null(result.Text);
        Assert.Contains("could not be read", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniffing_IgnoresTheNameForWhatBytesProve_AndNamesAreSanitised()
    {
        Assert.Equal("application/pdf", ContentSniffer.Sniff("%PDF-1.4"u8, "photo.jpg"));
        Assert.Equal("application/octet-stream", ContentSniffer.Sniff([0x00, 0x01, 0x02, 0xFF], "invoice.pdf"));
        Assert.Equal("image/png", ContentSniffer.Sniff([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A], "x.txt"));
        Assert.Equal("passwd", ContentSniffer.SafeFileName("../../etc/passwd"));
        Assert.Equal("evil.txt", ContentSniffer.SafeFileName("C:\\Windows\\evil.txt"));
        Assert.Equal("file", ContentSniffer.SafeFileName("..."));
        Assert.Equal("ab.txt", ContentSniffer.SafeFileName("a\u0000b.txt"));
    }

    private static async Task AssertExtractsAsync(byte[] bytes, string fileName)
    {
        var result = await ExtractAsync(bytes, fileName);
        Assert.Null(result.Error);
        Assert.Contains(Marker, result.Text, StringComparison.Ordinal);
    }

    private static readonly ExternalTools Tools = ExternalTools.Detect();

    /// <summary>The worker's own code, called in this process (the supervised path is in ExtractionWorkerTests).</summary>
    private static async Task<ExtractionResult> ExtractAsync(byte[] bytes, string fileName, bool usePdfToText = true)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crm-test-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var request = new ExtractionRequest(path, ContentSniffer.Sniff(bytes, fileName), Limits.MaxChars, Limits.MaxUnzippedBytes, Limits.MaxZipRatio, Limits.MaxOcrPages, usePdfToText);
            return TextExtractor.Extract(request, Tools, Limits.TimeLimit);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Pdf_WordsPlacedApartWithoutASpace_StaySeparateWords()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        page.AddText("Boris", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);
        page.AddText("Zbarsky", 12, new UglyToad.PdfPig.Core.PdfPoint(100, 700), font);
        page.AddText("Chuttur", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 680), font);
        page.AddText("Indiana", 12, new UglyToad.PdfPig.Core.PdfPoint(110, 680), font);

        var bytes = builder.Build();
        foreach (var result in new[] { await ExtractAsync(bytes, "paper.pdf"), await ExtractAsync(bytes, "paper.pdf", usePdfToText: false) })
        {
            Assert.Null(result.Error);
            var words = result.Text!.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("Boris", words);
            Assert.Contains("Zbarsky", words);
            Assert.Contains("Chuttur", words);
            Assert.Contains("Indiana", words);
        }
    }

    [Fact]
    public async Task MacroEnabledWord_IsReadAsText() => await AssertExtractsAsync(Word(Marker, WordprocessingDocumentType.MacroEnabledDocument), "umowa.docm");

    [Fact]
    public void FileNames_LoseBidiAndOtherFormatCharacters()
    {
        Assert.Equal("invoicefdp.exe", ContentSniffer.SafeFileName("invoice\u202Efdp.exe"));
        Assert.Equal("raport.pdf", ContentSniffer.SafeFileName("ra\u200Bport\u2066.pdf"));
        Assert.Equal("Zażółć gęślą jaźń.txt", ContentSniffer.SafeFileName("Zażółć gęślą jaźń.txt"));
    }

    private static byte[] Word(string text, WordprocessingDocumentType type = WordprocessingDocumentType.Document)
    {
        using var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, type))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(new W.Paragraph(new W.Run(new W.Text(text)))));
        }

        return memory.ToArray();
    }

    private static byte[] Sheet(string text)
    {
        using var memory = new MemoryStream();
        using (var workbook = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var part = workbook.AddWorkbookPart();
            part.Workbook = new S.Workbook();
            var sheet = part.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new S.Worksheet(new S.SheetData(new S.Row(new S.Cell { DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text(text)) })));
            part.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = part.GetIdOfPart(sheet), SheetId = 1, Name = "Ceny" }));
        }

        return memory.ToArray();
    }

    private static byte[] Slides(string text)
    {
        using var memory = new MemoryStream();
        using (var deck = PresentationDocument.Create(memory, PresentationDocumentType.Presentation))
        {
            var presentation = deck.AddPresentationPart();
            presentation.Presentation = new P.Presentation();
            var slide = presentation.AddNewPart<SlidePart>();
            slide.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(
                new P.Shape(new P.TextBody(new A.BodyProperties(), new A.Paragraph(new A.Run(new A.Text(text))))))));
        }

        return memory.ToArray();
    }
}
