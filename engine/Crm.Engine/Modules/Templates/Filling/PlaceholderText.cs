using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;

namespace Crm.Modules.Templates.Filling;

/// <summary>
/// The placeholder syntax, <c>{{ key }}</c>, and its replacement in text that Word or Excel split over several
/// elements (runs typed at different times, spell-check marks, part of a word in bold).
/// </summary>
internal static partial class PlaceholderText
{
    /// <summary>A key is letters, digits, '_', '.' and '-', starting with a letter, digit or '_'; spaces inside the braces are allowed.</summary>
    [GeneratedRegex(@"\{\{\s*(?<key>[\p{L}\p{N}_][\p{L}\p{N}_.\-]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static IEnumerable<string> Keys(string text) => Pattern().Matches(text).Select(m => m.Groups["key"].Value);

    /// <summary>The key when the text is exactly one placeholder (surrounding spaces aside), else null.</summary>
    public static string? WholeKey(string text)
    {
        var match = Pattern().Match(text);
        return match.Success && match.Value.Length == text.Trim().Length ? match.Groups["key"].Value : null;
    }

    /// <summary>
    /// Replaces every placeholder in one logical text made of <paramref name="pieces"/>: the value goes into the piece
    /// where the placeholder starts (so it keeps that run's formatting), the rest of the placeholder is cut from the
    /// following pieces, and text outside placeholders stays where it was. Returns the pieces whose text changed.
    /// </summary>
    public static List<T> Replace<T>(IReadOnlyList<T> pieces, Func<string, string> valueOf)
        where T : OpenXmlLeafTextElement
    {
        var current = pieces.Select(p => p.Text).ToArray();
        var lengths = current.Select(t => t.Length).ToArray();
        var starts = new int[current.Length];
        for (var i = 1; i < current.Length; i++)
        {
            starts[i] = starts[i - 1] + lengths[i - 1];
        }

        var matches = Pattern().Matches(string.Concat(current));
        var touched = new SortedSet<int>();
        // Backwards: editing a later placeholder never moves the offsets of an earlier one.
        foreach (var match in matches.Reverse())
        {
            var value = valueOf(match.Groups["key"].Value);
            var end = match.Index + match.Length;
            var first = true;
            for (var i = 0; i < current.Length && starts[i] < end; i++)
            {
                if (starts[i] + lengths[i] <= match.Index)
                {
                    continue;
                }

                var from = Math.Max(match.Index - starts[i], 0);
                var to = Math.Min(end - starts[i], lengths[i]);
                current[i] = current[i][..from] + (first ? value : "") + current[i][to..];
                first = false;
                touched.Add(i);
            }
        }

        foreach (var i in touched)
        {
            pieces[i].Text = current[i];
        }

        return [.. touched.Select(i => pieces[i])];
    }
}
