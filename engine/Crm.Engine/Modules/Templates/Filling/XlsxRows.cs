using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Modules.Templates.Filling;

/// <summary>
/// Repeats a sheet's list rows and moves the rows below them. What moves along: row numbers and cell references,
/// references in this sheet's formulas and conditional-format formulas (a range over a repeated row grows to cover
/// every copy; inside a copy, references to the row point at the copy), merged cells (those inside a repeated row are
/// merged again in every copy), the dimension, auto-filter, hyperlinks, conditional formatting, data validations and
/// table ranges.
/// Not moved: references qualified with a sheet name (<c>Sheet1!A5</c>) and references from other sheets, defined
/// names (print areas, named ranges), charts and pivot tables, whole-row references (<c>3:5</c>); shared and array
/// formulas inside a repeated row are copied as they are (Excel may repair them). A formula range that covered only a
/// row removed for an empty list ends up inverted (<c>B5:B4</c>) rather than <c>#REF!</c>.
/// </summary>
internal static class XlsxRows
{
    public static void Fill(WorksheetPart sheetPart, FillScope scope, Action<Row, FillScope> fillRow, Func<Row, string?> listOf)
    {
        if (sheetPart.Worksheet.GetFirstChild<SheetData>() is not { } sheetData)
        {
            return;
        }

        var rows = sheetData.Elements<Row>().ToList();
        NumberRows(rows);
        var lists = new Dictionary<Row, string>();
        var shift = new RowShift();
        foreach (var row in rows)
        {
            if (listOf(row) is { } list)
            {
                lists[row] = list;
                shift.Repeat(Number(row), scope.Data.Rows(list).Count);
            }
        }

        foreach (var row in rows)
        {
            var number = Number(row);
            if (!lists.TryGetValue(row, out var list))
            {
                if (!shift.IsEmpty)
                {
                    Move(row, shift.Start(number), shift.Outside);
                }

                fillRow(row, scope);
                continue;
            }

            var items = scope.Data.Rows(list);
            var pristine = (Row)row.CloneNode(true);
            var previous = row;
            for (var i = 0; i < items.Count; i++)
            {
                var copy = i == 0 ? row : previous.InsertAfterSelf((Row)pristine.CloneNode(true));
                var copyNumber = shift.Start(number) + i;
                Move(copy, copyNumber, shift.InsideCopy(number, copyNumber));
                fillRow(copy, scope.ForRow(list, items[i]));
                previous = copy;
            }

            if (items.Count == 0)
            {
                row.Remove();
            }
        }

        if (!shift.IsEmpty)
        {
            MoveRanges(sheetPart, shift);
        }
    }

    private static int Number(Row row) => (int)row.RowIndex!.Value;

    /// <summary>Row numbers are optional in the file (then they count on from the previous row); make them explicit.</summary>
    private static void NumberRows(List<Row> rows)
    {
        uint previous = 0;
        foreach (var row in rows)
        {
            row.RowIndex ??= previous + 1;
            previous = row.RowIndex.Value;
        }
    }

    private static void Move(Row row, int number, Func<int, bool, int> map)
    {
        row.RowIndex = (uint)number;
        foreach (var cell in row.Elements<Cell>())
        {
            if (cell.CellReference?.Value is { } reference)
            {
                cell.CellReference = RowShift.MoveCell(reference, number);
            }

            if (cell.CellFormula is { } formula)
            {
                formula.Text = RowShift.Rewrite(formula.Text, map);
                if (formula.Reference?.Value is { } range)
                {
                    formula.Reference = RowShift.Rewrite(range, map);
                }
            }
        }
    }

    private static void MoveRanges(WorksheetPart sheetPart, RowShift shift)
    {
        var sheet = sheetPart.Worksheet;
        string Moved(string text) => RowShift.Rewrite(text, shift.Outside);
        if (sheet.SheetDimension?.Reference?.Value is { } dimension)
        {
            sheet.SheetDimension.Reference = Moved(dimension);
        }

        if (sheet.GetFirstChild<AutoFilter>() is { Reference.Value: { } filtered } autoFilter)
        {
            autoFilter.Reference = Moved(filtered);
        }

        foreach (var link in sheet.Descendants<Hyperlink>().Where(h => h.Reference?.Value is not null))
        {
            link.Reference = Moved(link.Reference!.Value!);
        }

        foreach (var format in sheet.Elements<ConditionalFormatting>())
        {
            format.SequenceOfReferences = new ListValue<StringValue> { InnerText = Moved(format.SequenceOfReferences?.InnerText ?? "") };
            foreach (var formula in format.Descendants<Formula>())
            {
                formula.Text = Moved(formula.Text);
            }
        }

        foreach (var validation in sheet.Descendants<DataValidation>())
        {
            validation.SequenceOfReferences = new ListValue<StringValue> { InnerText = Moved(validation.SequenceOfReferences?.InnerText ?? "") };
        }

        foreach (var table in sheetPart.TableDefinitionParts.Select(p => p.Table).OfType<Table>())
        {
            table.Reference = Moved(table.Reference?.Value ?? "");
            if (table.AutoFilter?.Reference?.Value is { } tableFilter)
            {
                table.AutoFilter.Reference = Moved(tableFilter);
            }
        }

        if (sheet.GetFirstChild<MergeCells>() is { } merges)
        {
            foreach (var merge in merges.Elements<MergeCell>().ToList())
            {
                MoveMerge(merge, shift);
            }

            merges.Count = (uint)merges.Elements<MergeCell>().Count();
        }
    }

    /// <summary>A merge inside a repeated row is merged again in each copy (and goes with an empty list's row).</summary>
    private static void MoveMerge(MergeCell merge, RowShift shift)
    {
        var range = merge.Reference?.Value ?? "";
        var rows = range.Split(':').Select(RowShift.RowOf).Distinct().ToList();
        if (rows is not [{ } row] || !shift.IsRepeated(row))
        {
            merge.Reference = RowShift.Rewrite(range, shift.Outside);
            return;
        }

        var first = shift.Start(row);
        var last = shift.End(row);
        if (last < first)
        {
            merge.Remove();
            return;
        }

        merge.Reference = RowShift.Rewrite(range, shift.InsideCopy(row, first));
        OpenXmlElement previous = merge;
        for (var copy = first + 1; copy <= last; copy++)
        {
            previous = previous.InsertAfterSelf(new MergeCell { Reference = RowShift.Rewrite(range, shift.InsideCopy(row, copy)) });
        }
    }
}
