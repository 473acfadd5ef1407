using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Platform.Common;

/// <summary>One-sheet .xlsx exports (header row, then text cells): registers, compliance lists.</summary>
public static class ExcelWriter
{
    public static byte[] Write(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) =>
        Write(sheetName, header, rows.Select(r => (IReadOnlyList<object?>)[.. r]));

    /// <summary>Numbers become number cells (sums and filters work in Excel), yes/no boolean cells, dates ISO text, the rest text.</summary>
    public static byte[] Write(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var memory = new MemoryStream();
        using (var workbook = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = workbook.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row([.. header]));
            foreach (var row in rows)
            {
                data.Append(Row(row));
            }

            sheetPart.Worksheet = new Worksheet(data);
            workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName }));
        }

        return memory.ToArray();
    }

    private static Row Row(IReadOnlyList<object?> values)
    {
        var row = new Row();
        foreach (var value in values)
        {
            row.Append(value switch
            {
                decimal money => new Cell { DataType = CellValues.Number, CellValue = new CellValue(money.ToString("0.############", System.Globalization.CultureInfo.InvariantCulture)) },
                int or long or double => new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!) },
                bool flag => new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(flag ? "1" : "0") },
                DateOnly day => Text(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                _ => Text(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            });
        }

        return row;
    }

    private static Cell Text(string value) => new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value)) };
}
