using System.Globalization;
using System.Text.RegularExpressions;

namespace Crm.Platform.Common;

/// <summary>
/// Record numbers from an admin's pattern (complaints, tickets): <c>{yyyy}</c> or <c>{yy}</c> the year, <c>{n}</c> or
/// <c>{n:00000}</c> the sequence within the year, anything else as written.
/// </summary>
public static partial class RecordNumbers
{
    [GeneratedRegex(@"\{(yyyy|yy|n(?::(0+))?)\}")]
    private static partial Regex Placeholder();

    /// <summary>Null when the pattern is usable, else what is wrong.</summary>
    public static string? Check(string? pattern, string example)
    {
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 100)
        {
            return "Give a pattern of at most 100 characters.";
        }

        var parts = Placeholder().Matches(pattern).Select(m => m.Value).ToList();
        if (!parts.Any(p => p.StartsWith("{n", StringComparison.Ordinal)))
        {
            return $"The pattern needs the sequence {{n}} (e.g. {example}).";
        }

        // The sequence starts again each year: without the year, next year's numbers would repeat this year's.
        return parts.Any(p => p is "{yyyy}" or "{yy}") ? null : $"The pattern needs the year, {{yyyy}} or {{yy}}, as the sequence starts again each year (e.g. {example}).";
    }

    public static string Format(string pattern, int year, int sequence) => Placeholder().Replace(pattern, m => m.Groups[1].Value switch
    {
        "yyyy" => year.ToString("0000", CultureInfo.InvariantCulture),
        "yy" => (year % 100).ToString("00", CultureInfo.InvariantCulture),
        _ => sequence.ToString(m.Groups[2].Success ? m.Groups[2].Value : "0", CultureInfo.InvariantCulture),
    });
}
