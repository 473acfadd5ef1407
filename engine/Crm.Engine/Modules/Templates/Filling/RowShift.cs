using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Modules.Templates.Filling;

/// <summary>
/// Where each row of a sheet lands once its repeated rows have been copied (or removed), and the rewriting of A1
/// references (formulas, merged ranges, table ranges) to match. Rows are 1-based Excel row numbers.
/// </summary>
internal sealed partial class RowShift
{
    /// <summary>Repeated row → rows it gains (copies − 1; −1 when its list is empty and the row goes).</summary>
    private readonly SortedDictionary<int, int> _added = [];

    public bool IsEmpty => _added.Count == 0;

    public void Repeat(int row, int copies) => _added[row] = copies - 1;

    public bool IsRepeated(int row) => _added.ContainsKey(row);

    /// <summary>The new number of a row; for a repeated row, its first copy.</summary>
    public int Start(int row) => row + _added.Where(a => a.Key < row).Sum(a => a.Value);

    /// <summary>The new number of a row; for a repeated row, its last copy (so a range over it covers every copy).</summary>
    public int End(int row) => row + _added.Where(a => a.Key <= row).Sum(a => a.Value);

    /// <summary>The map for a range or formula outside repeated rows: its start row maps to the first copy, its end to the last.</summary>
    public Func<int, bool, int> Outside => (row, isEnd) => isEnd ? End(row) : Start(row);

    /// <summary>The map inside one copy of a repeated row: references to that row point at the copy itself.</summary>
    public Func<int, bool, int> InsideCopy(int repeatedRow, int copyRow) =>
        (row, isEnd) => row == repeatedRow ? copyRow : Outside(row, isEnd);

    // Not part of a longer name, not after "Sheet!" and not the end of a range that starts on another sheet.
    private const string NotAfterNameOrSheet = @"(?<![A-Za-z0-9_.:!$'\]\\])";
    private const string NotBeforeNameOrCall = @"(?![A-Za-z0-9_(\[!])";

    /// <summary>A cell or range reference (<c>A5</c>, <c>$A$5:C7</c>) not qualified by another sheet's name.</summary>
    [GeneratedRegex(NotAfterNameOrSheet + @"(?<c1>\$?[A-Z]{1,3})(?<a1>\$?)(?<r1>[0-9]+)"
        + @"(?::(?<c2>\$?[A-Z]{1,3})(?<a2>\$?)(?<r2>[0-9]+))?" + NotBeforeNameOrCall, RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex("^(?<column>[A-Z]+)(?<row>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CellReference();

    /// <summary>
    /// Rewrites the row numbers of references in a formula or a list of ranges. Text in double quotes is left
    /// alone, and so are references to other sheets (<c>Sheet2!A5</c>), whose rows this sheet's copies do not move.
    /// </summary>
    public static string Rewrite(string text, Func<int, bool, int> map)
    {
        var parts = text.Split('"');
        var result = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                result.Append('"');
            }

            result.Append(i % 2 == 1 ? parts[i] : Reference().Replace(parts[i], m => RewriteOne(m, map)));
        }

        return result.ToString();
    }

    private static string RewriteOne(Match match, Func<int, bool, int> map)
    {
        var isRange = match.Groups["r2"].Success;
        var first = match.Groups["c1"].Value + match.Groups["a1"].Value + map(RowNumber(match.Groups["r1"].Value), false);
        return isRange ? first + ":" + match.Groups["c2"].Value + match.Groups["a2"].Value + map(RowNumber(match.Groups["r2"].Value), true) : first;
    }

    /// <summary>A cell reference moved to another row (<c>B5</c> → <c>B7</c>).</summary>
    public static string MoveCell(string cellReference, int row)
    {
        var match = CellReference().Match(cellReference);
        return match.Success ? match.Groups["column"].Value + row : cellReference;
    }

    /// <summary>The row of a cell reference, or null when it is not a plain one.</summary>
    public static int? RowOf(string cellReference)
    {
        var match = CellReference().Match(cellReference);
        return match.Success ? RowNumber(match.Groups["row"].Value) : null;
    }

    private static int RowNumber(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);
}
