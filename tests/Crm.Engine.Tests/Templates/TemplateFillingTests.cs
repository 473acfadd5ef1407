using System.Diagnostics;
using System.Text;
using Crm.Modules.Templates.Filling;
using Crm.Tests;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Xunit;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

#pragma warning disable CA1861 // literal arrays are the readable way to write test data

namespace Crm.Engine.Tests.Templates;

/// <summary>Word and Excel templates built in code, filled, and read back element by element; PDF through LibreOffice.</summary>
public sealed class TemplateFillingTests
{
    private const string Company = "Okna & Drzwi <Nowak> Sp. z o.o.";

    private static TemplateData Data(int costRows = 2)
    {
        var costs = new[] { ("Transport", "120.00"), ("Montaż", "80.50") }.Take(costRows)
            .Select(c => new Dictionary<string, string?> { ["type"] = c.Item1, ["Amount"] = c.Item2 });
        return new TemplateData()
            .Set("counterparty.name", Company)
            .Set("counterparty.address", "ul. Długa 1\r\n00-950 Warszawa")
            .Set("case.number", "RK/2024/17")
            .Set("today", "2024-05-06")
            .Set("total", "200.50")
            .AddList("costs", costs);
    }

    [Fact]
    public void Docx_SplitPlaceholderHeaderAndRepeatedRow_FilledKeepingFormatting()
    {
        var result = DocxFiller.Fill(WordTemplate(), Data());

        using var document = WordprocessingDocument.Open(new MemoryStream(result.Bytes), false);
        Assert.Empty(new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        var body = document.MainDocumentPart!.Document.Body!;
        var greeting = body.Elements<W.Paragraph>().First();
        Assert.Equal($"Dla: {Company}, dziękujemy.", greeting.InnerText);
        // The value sits in the placeholder's first (bold) run; the italic middle run is gone, the underlined tail stays.
        Assert.Equal(["plain:Dla: ", $"bold:{Company}", "underline:, dziękujemy."], greeting.Elements<W.Run>().Select(Describe));
        Assert.Equal(["Rodzaj|Kwota", "Transport|120.00", "Montaż|80.50", "Razem|200.50"],
            body.Descendants<W.TableRow>().Select(r => string.Join('|', r.Elements<W.TableCell>().Select(c => c.InnerText))));
        Assert.Equal("Sprawa RK/2024/17", document.MainDocumentPart.HeaderParts.Single().Header.InnerText);

        var address = body.Elements<W.Paragraph>().Single(p => p.InnerText.StartsWith("Adres", StringComparison.Ordinal));
        Assert.Equal("Adres: ul. Długa 100-950 Warszawa", address.InnerText);
        Assert.Single(address.Descendants<W.Break>());
        Assert.Equal("Uwagi: ", body.Elements<W.Paragraph>().Single(p => p.InnerText.StartsWith("Uwagi", StringComparison.Ordinal)).InnerText);
        Assert.Equal(["counterparty.nmae"], result.Unknown);
        Assert.DoesNotContain("{{", body.InnerText, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_EmptyList_RemovesTheRepeatedRow()
    {
        var result = DocxFiller.Fill(WordTemplate(), Data(costRows: 0));

        using var document = WordprocessingDocument.Open(new MemoryStream(result.Bytes), false);
        Assert.Equal(["Rodzaj|Kwota", "Razem|200.50"], document.MainDocumentPart!.Document.Descendants<W.TableRow>()
            .Select(r => string.Join('|', r.Elements<W.TableCell>().Select(c => c.InnerText))));
        Assert.Equal(["counterparty.nmae"], result.Unknown);
    }

    [Fact]
    public void Docx_PlaceholdersSharingRuns_EachValueInTheRunWhereItStarts()
    {
        var template = new MemoryStream();
        using (var document = WordprocessingDocument.Create(template, WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new W.Document(new W.Body(new W.Paragraph(
                new W.Run(new W.Text("a{{x")), new W.Run(new W.Text("}}b{{ y")), new W.Run(new W.Text(" }}c")))));
        }

        template.Position = 0;
        var data = new TemplateData().Set("x", "X\tX").Set("y", "{{x}}");
        var result = DocxFiller.Fill(template, data);

        using var filled = WordprocessingDocument.Open(new MemoryStream(result.Bytes), false);
        // The tab becomes a w:tab; a value that looks like a placeholder stays text.
        Assert.Equal(["aX|tab|X", "b{{x}}", "c"], filled.MainDocumentPart!.Document.Descendants<W.Run>()
            .Select(r => string.Join('|', r.ChildElements.Select(c => c is W.TabChar ? "tab" : c.InnerText))));
        Assert.Empty(result.Unknown);
    }

    [Fact]
    public void Placeholders_OfBothKinds_ListedOnceInReadingOrder()
    {
        Assert.Equal(["counterparty.name", "costs.type", "costs.amount", "total", "counterparty.address", "counterparty.nmae", "case.number"],
            TemplatePlaceholders.List(WordTemplate(), TemplateKind.Docx));
        Assert.Equal(["counterparty.name", "costs.type", "costs.amount", "today", "case.number"],
            TemplatePlaceholders.List(ExcelTemplate(), TemplateKind.Xlsx));
    }

    [Fact]
    public void Xlsx_RepeatedRow_CopiedPerItemAndRowsBelowMoveDown()
    {
        var result = XlsxFiller.Fill(ExcelTemplate(), Data());

        using var workbook = SpreadsheetDocument.Open(new MemoryStream(result.Bytes), false);
        Assert.Empty(new OpenXmlValidator().Validate(workbook).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        var cells = Cells(workbook, "Koszty");
        Assert.Equal(new Dictionary<string, string>
        {
            ["A1"] = $"text:Koszty dla {Company}",
            ["A2"] = "text:Rodzaj", ["B2"] = "text:Kwota",
            ["A3"] = "text:Transport", ["B3"] = "number:120.00", ["C3"] = "formula:B3*2",
            ["A4"] = "text:Montaż", ["B4"] = "number:80.50", ["C4"] = "formula:B4*2",
            ["A5"] = "text:Razem", ["B5"] = "formula:SUM(B3:B4)",
            ["A6"] = "text:Stan na 2024-05-06",
        }, cells);
        var sheet = Sheet(workbook, "Koszty");
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u], sheet.Descendants<S.Row>().Select(r => r.RowIndex!.Value));
        Assert.Equal(["A1:C1", "D3:E3", "D4:E4", "A6:C6"], sheet.Descendants<S.MergeCell>().Select(m => m.Reference!.Value));
        Assert.Equal(new Dictionary<string, string> { ["A1"] = "text:Sprawa RK/2024/17" }, Cells(workbook, "Sprawa"));
        Assert.Empty(result.Unknown);
    }

    [Fact]
    public void Xlsx_EmptyList_RemovesTheRowAndMovesTheRestUp()
    {
        var result = XlsxFiller.Fill(ExcelTemplate(), Data(costRows: 0));

        using var workbook = SpreadsheetDocument.Open(new MemoryStream(result.Bytes), false);
        var cells = Cells(workbook, "Koszty");
        Assert.Equal(["A1", "A2", "B2", "A3", "B3", "A4"], cells.Keys);
        Assert.Equal(("text:Razem", "text:Stan na 2024-05-06"), (cells["A3"], cells["A4"]));
        Assert.Equal(["A1:C1", "A4:C4"], Sheet(workbook, "Koszty").Descendants<S.MergeCell>().Select(m => m.Reference!.Value));
    }

    [Theory]
    [InlineData("SUM(B1:B1)", "SUM(B1:B2)")]                          // a range over the repeated row covers every copy
    [InlineData("$A$1+B2", "$A$1+B3")]                                // absolute rows move too, as when Excel inserts rows
    [InlineData("LEN(\"B2\")+LOG10(B2)", "LEN(\"B2\")+LOG10(B3)")]      // text and function names are not references
    [InlineData("Sprawa!B2+'Other sheet'!B2:B4", "Sprawa!B2+'Other sheet'!B2:B4")]   // other sheets' rows did not move
    public void Xlsx_FormulaBelowRepeatedRow_ReferencesFollowTheMovedRows(string formula, string expected)
    {
        var template = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(template, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new S.Workbook(new S.Sheets());
            AddSheet(workbookPart, "Koszty", new S.Worksheet(new S.SheetData(
                new S.Row(Inline("A1", "{{costs.type}}")) { RowIndex = 1 },
                new S.Row(new S.Cell { CellReference = "A2", CellFormula = new S.CellFormula(formula) }) { RowIndex = 2 })));
        }

        template.Position = 0;
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(XlsxFiller.Fill(template, Data()).Bytes), false);

        Assert.Equal("formula:" + expected, Cells(workbook, "Koszty")["A3"]);
    }

    [Fact]
    public async Task Pdf_OfFilledTemplates_ConvertedInParallel_ShowTheValues()
    {
        TestEnvironment.RequireLibreOffice(PdfConverter.IsAvailable);
        var word = DocxFiller.Fill(WordTemplate(), Data()).Bytes;
        var excel = XlsxFiller.Fill(ExcelTemplate(), Data()).Bytes;

        var pdfs = await Task.WhenAll(
            PdfConverter.ConvertAsync(word, TemplateKind.Docx, TestContext.Current.CancellationToken),
            PdfConverter.ConvertAsync(excel, TemplateKind.Xlsx, TestContext.Current.CancellationToken));

        Assert.All(pdfs, pdf => Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4)));
        Assert.Contains(Company, await PdfTextAsync(pdfs[0]), StringComparison.Ordinal);
        var sheetText = await PdfTextAsync(pdfs[1]);
        // The total is recalculated over both copies of the repeated row.
        Assert.True(sheetText.Contains("Montaż", StringComparison.Ordinal) && sheetText.Contains("200.5", StringComparison.Ordinal), sheetText);
    }

    [Fact]
    public async Task Pdf_PastItsTimeout_StoppedWithAClearMessage()
    {
        TestEnvironment.RequireLibreOffice(PdfConverter.IsAvailable);
        var word = DocxFiller.Fill(WordTemplate(), Data()).Bytes;

        var failure = await Assert.ThrowsAsync<PdfConversionException>(() =>
            PdfConverter.ConvertAsync(word, TemplateKind.Docx, TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken));

        Assert.Contains("did not finish", failure.Message, StringComparison.Ordinal);
    }

    private static MemoryStream WordTemplate()
    {
        var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var header = main.AddNewPart<HeaderPart>();
            header.Header = new W.Header(Paragraph("Sprawa {{ case.number }}"));
            main.Document = new W.Document(new W.Body(
                new W.Paragraph(
                    new W.Run(new W.Text("Dla: ") { Space = SpaceProcessingModeValues.Preserve }),
                    new W.Run(new W.RunProperties(new W.Bold()), new W.Text("{{counter")),
                    new W.ProofError { Type = W.ProofingErrorValues.SpellStart },
                    new W.Run(new W.RunProperties(new W.Italic()), new W.Text("party.na")),
                    new W.Run(new W.RunProperties(new W.Underline { Val = W.UnderlineValues.Single }), new W.Text("me}}, dziękujemy."))),
                new W.Table(
                    new W.TableProperties(new W.TableBorders(new W.InsideHorizontalBorder { Val = W.BorderValues.Single })),
                    new W.TableGrid(new W.GridColumn { Width = "4500" }, new W.GridColumn { Width = "4500" }),
                    Row("Rodzaj", "Kwota"),
                    Row("{{costs.type}}", "{{ costs.amount }}"),
                    Row("Razem", "{{total}}")),
                Paragraph("Adres: {{counterparty.address}}"),
                Paragraph("Uwagi: {{counterparty.nmae}}"),
                new W.SectionProperties(new W.HeaderReference { Type = W.HeaderFooterValues.Default, Id = main.GetIdOfPart(header) })));
        }

        memory.Position = 0;
        return memory;

        static W.Paragraph Paragraph(string text) => new(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        static W.TableRow Row(params string[] cells) => new(cells.Select(c => new W.TableCell(Paragraph(c))));
    }

    private static string Describe(W.Run run) => run.RunProperties switch
    {
        { Bold: not null } => "bold",
        { Italic: not null } => "italic",
        { Underline: not null } => "underline",
        _ => "plain",
    } + ":" + run.InnerText;

    /// <summary>Sheet "Koszty": a title merged over A1:C1, a header, the repeated row (shared and inline strings, a
    /// formula on its own row, a merge D3:E3), a total summing the repeated row, a merged date line; sheet "Sprawa".</summary>
    private static MemoryStream ExcelTemplate()
    {
        var memory = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new S.Workbook(new S.Sheets());
            var strings = workbookPart.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new S.SharedStringTable(
                new S.SharedStringItem(new S.Text("Koszty dla {{counterparty.name}}")),
                new S.SharedStringItem(new S.Text("{{costs.type}}")),
                new S.SharedStringItem(
                    new S.Run(new S.Text("Stan na {{to")),
                    new S.Run(new S.RunProperties(new S.Bold()), new S.Text("day}}"))));
            var koszty = new S.Worksheet(new S.SheetData(
                new S.Row(Shared("A1", 0)) { RowIndex = 1 },
                new S.Row(Inline("A2", "Rodzaj"), Inline("B2", "Kwota")) { RowIndex = 2 },
                new S.Row(Shared("A3", 1), Inline("B3", "{{ costs.amount }}"), Formula("C3", "B3*2")) { RowIndex = 3 },
                new S.Row(Inline("A4", "Razem"), Formula("B4", "SUM(B3:B3)")) { RowIndex = 4 },
                new S.Row(Shared("A5", 2)) { RowIndex = 5 }));
            koszty.Append(new S.MergeCells(new[] { "A1:C1", "D3:E3", "A5:C5" }.Select(range => new S.MergeCell { Reference = range })));
            AddSheet(workbookPart, "Koszty", koszty);
            AddSheet(workbookPart, "Sprawa", new S.Worksheet(new S.SheetData(new S.Row(Inline("A1", "Sprawa {{case.number}}")) { RowIndex = 1 })));
        }

        memory.Position = 0;
        return memory;

        static S.Cell Shared(string reference, int index) =>
            new() { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue(index) };
        static S.Cell Formula(string reference, string formula) => new() { CellReference = reference, CellFormula = new S.CellFormula(formula) };
    }

    private static S.Cell Inline(string reference, string text) =>
        new() { CellReference = reference, DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text(text)) };

    private static void AddSheet(WorkbookPart workbookPart, string name, S.Worksheet worksheet)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>();
        part.Worksheet = worksheet;
        var sheets = workbookPart.Workbook.Sheets!;
        sheets.Append(new S.Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = (uint)sheets.ChildElements.Count + 1, Name = name });
    }

    private static S.Worksheet Sheet(SpreadsheetDocument workbook, string name)
    {
        var sheet = workbook.WorkbookPart!.Workbook.Sheets!.Elements<S.Sheet>().Single(s => s.Name == name);
        return ((WorksheetPart)workbook.WorkbookPart.GetPartById(sheet.Id!.Value!)).Worksheet;
    }

    /// <summary>Each cell as "text:…", "number:…" or "formula:…", by reference, in file order.</summary>
    private static Dictionary<string, string> Cells(SpreadsheetDocument workbook, string sheetName)
    {
        var strings = workbook.WorkbookPart!.SharedStringTablePart?.SharedStringTable.Elements<S.SharedStringItem>().ToList() ?? [];
        return Sheet(workbook, sheetName).Descendants<S.Cell>().ToDictionary(c => c.CellReference!.Value!, c => c switch
        {
            { CellFormula: { } formula } => "formula:" + formula.Text,
            { DataType.Value: var type } when type == S.CellValues.SharedString =>
                "text:" + strings[int.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)].InnerText,
            { DataType.Value: var type } when type == S.CellValues.InlineString => "text:" + c.InlineString!.InnerText,
            _ => "number:" + c.CellValue!.Text,
        });
    }

    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, pdf);
            var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(file);
            start.ArgumentList.Add("-");
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
