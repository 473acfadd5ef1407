using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Engine.Common;

/// <summary>One-sheet .xlsx exports (header row, then text cells): registers, compliance lists.</summary>
public static class ExcelWriter
{
    public static byte[] Write(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var memory = new MemoryStream();
        using (var workbook = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = workbook.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(header));
            foreach (var row in rows)
            {
                data.Append(Row(row));
            }

            sheetPart.Worksheet = new Worksheet(data);
            workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName }));
        }

        return memory.ToArray();
    }

    private static Row Row(IReadOnlyList<string> values)
    {
        var row = new Row();
        foreach (var value in values)
        {
            row.Append(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value ?? "")) });
        }

        return row;
    }
}
