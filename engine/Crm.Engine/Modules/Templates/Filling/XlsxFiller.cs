using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Modules.Templates.Filling;

/// <summary>
/// Fills <c>{{key}}</c> placeholders in the text cells of every sheet of an .xlsx. A cell that is exactly one
/// placeholder whose value is a plain number gets a number (its style's number format then applies). A row whose
/// cells name a list (<c>{{costs.amount}}</c>) is repeated once per list row and the rows below move down; see
/// <see cref="XlsxRows"/> for what moves with them.
/// </summary>
public static partial class XlsxFiller
{
    public static TemplateFillResult Fill(Stream template, TemplateData data)
    {
        using var buffer = new MemoryStream();
        template.CopyTo(buffer);
        var scope = new FillScope(data);
        using (var document = SpreadsheetDocument.Open(buffer, isEditable: true))
        {
            if (document.DocumentType == SpreadsheetDocumentType.Template)
            {
                document.ChangeDocumentType(SpreadsheetDocumentType.Workbook);
            }

            var workbookPart = document.WorkbookPart ?? throw new InvalidDataException("The file is not an Excel workbook: it has no workbook part.");
            var strings = new SharedStrings(workbookPart.SharedStringTablePart?.SharedStringTable);
            foreach (var sheet in SheetsInOrder(workbookPart))
            {
                XlsxRows.Fill(sheet, scope, (row, rowScope) => FillRow(row, rowScope, strings), row => ListOf(row, data, strings));
            }

            strings.UpdateCounts();
            // Filled values feed formulas whose cached results are now stale.
            workbookPart.Workbook.CalculationProperties ??= new CalculationProperties();
            workbookPart.Workbook.CalculationProperties.FullCalculationOnLoad = true;
        }

        return new TemplateFillResult(buffer.ToArray(), [.. scope.Unknown]);
    }

    /// <summary>Sheets in tab order, so unknown placeholders are listed the way a reader meets them.</summary>
    internal static IEnumerable<WorksheetPart> SheetsInOrder(WorkbookPart workbookPart) =>
        workbookPart.Workbook.Sheets?.Elements<Sheet>()
            .Select(s => s.Id?.Value is { } id ? workbookPart.GetPartById(id) : null)
            .OfType<WorksheetPart>()
        ?? workbookPart.WorksheetParts;

    /// <summary>The first list named by a placeholder in the row's cells, or null for an ordinary row.</summary>
    private static string? ListOf(Row row, TemplateData data, SharedStrings strings) =>
        row.Elements<Cell>()
            .Select(cell => TextHolder(cell, strings))
            .OfType<OpenXmlElement>()
            .SelectMany(holder => PlaceholderText.Keys(TextOf(holder)))
            .Select(data.ListOf)
            .FirstOrDefault(list => list is not null);

    private static void FillRow(Row row, FillScope scope, SharedStrings strings)
    {
        foreach (var cell in row.Elements<Cell>())
        {
            FillCell(cell, scope, strings);
        }
    }

    private static void FillCell(Cell cell, FillScope scope, SharedStrings strings)
    {
        if (TextHolder(cell, strings) is not { } holder)
        {
            return;   // numbers, booleans, formulas: no placeholders
        }

        var text = TextOf(holder);
        if (!PlaceholderText.Keys(text).Any())
        {
            return;
        }

        if (PlaceholderText.WholeKey(text) is { } key && PlainNumber().IsMatch(scope.Resolve(key)))
        {
            cell.InlineString = null;
            cell.DataType = null;
            cell.CellValue = new CellValue(scope.Resolve(key));
            return;
        }

        if (holder is SharedStringItem shared)
        {
            // A shared string may serve other cells (and every copy of a repeated row): fill a copy of it.
            holder = shared.CloneNode(true);
            cell.CellValue = new CellValue(strings.Add((SharedStringItem)holder));
        }

        foreach (var piece in PlaceholderText.Replace(Pieces(holder), scope.Resolve))
        {
            piece.Space = SpaceProcessingModeValues.Preserve;
        }
    }

    /// <summary>
    /// Invariant decimal without thousands separators or leading zeros, at most 15 integer digits: account numbers,
    /// postcodes and "007" stay text because Excel would drop their zeros or digits.
    /// </summary>
    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();

    /// <summary>The element holding a text cell's runs: its shared string item or its inline string.</summary>
    private static OpenXmlElement? TextHolder(Cell cell, SharedStrings strings)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString;
        }

        return cell.DataType?.Value == CellValues.SharedString ? strings.Get(cell.CellValue?.Text) : null;
    }

    private static string TextOf(OpenXmlElement holder) => string.Concat(Pieces(holder).Select(t => t.Text));

    /// <summary>The text pieces of a string item: plain text or rich-text runs; phonetic hints are not the cell's text.</summary>
    private static List<Text> Pieces(OpenXmlElement holder) =>
        [.. holder.ChildElements.SelectMany(child => child switch
        {
            Text text => [text],
            Run { Text: { } text } => [text],
            _ => Array.Empty<Text>(),
        })];

    /// <summary>The workbook's shared strings, indexable, growing as filled copies are added.</summary>
    private sealed class SharedStrings(SharedStringTable? table)
    {
        private readonly List<SharedStringItem> _items = table?.Elements<SharedStringItem>().ToList() ?? [];

        public SharedStringItem? Get(string? index) =>
            int.TryParse(index, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < _items.Count ? _items[i] : null;

        public string Add(SharedStringItem item)
        {
            table!.AppendChild(item);
            _items.Add(item);
            return (_items.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Count (references) is optional and would now be wrong; UniqueCount counts the items.</summary>
        public void UpdateCounts()
        {
            if (table is not null)
            {
                table.Count = null;
                table.UniqueCount = (uint)_items.Count;
            }
        }
    }
}
