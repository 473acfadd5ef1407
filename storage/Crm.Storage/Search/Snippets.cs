using System.Globalization;
using System.Net;
using System.Text;

namespace Crm.Storage.Search;

/// <summary>
/// A short passage of a document around the first place a query word occurs, with the words marked
/// (<c>&lt;mark&gt;</c>, HTML-escaped otherwise). Matching folds diacritics like the index does.
/// </summary>
public static class Snippets
{
    public static string Build(string text, IReadOnlyCollection<string> foldedTerms, int length = 220)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var folded = Fold(text);
        var first = foldedTerms.Count == 0 ? -1 : foldedTerms.Select(t => IndexOfWord(folded, t, 0)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        var start = first < 0 ? 0 : Math.Max(0, first - length / 3);
        while (start > 0 && start < text.Length && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        var end = Math.Min(text.Length, start + length);
        var html = new StringBuilder();
        if (start > 0)
        {
            html.Append('…');
        }

        var position = start;
        while (position < end)
        {
            var (match, termLength) = NextMatch(folded, foldedTerms, position, end);
            if (match < 0)
            {
                html.Append(WebUtility.HtmlEncode(Collapse(text[position..end])));
                break;
            }

            html.Append(WebUtility.HtmlEncode(Collapse(text[position..match])));
            html.Append("<mark>").Append(WebUtility.HtmlEncode(text.Substring(match, termLength))).Append("</mark>");
            position = match + termLength;
        }

        if (end < text.Length)
        {
            html.Append('…');
        }

        return html.ToString();
    }

    /// <summary>Lower-case, diacritics removed, one character for one character (so positions line up).</summary>
    public static string Fold(string text)
    {
        var result = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            result[i] = FoldChar(text[i]);
        }

        return new string(result);
    }

    /// <summary>Query words as the index sees them: folded, without operators and wildcards.</summary>
    public static IReadOnlyCollection<string> Terms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        return Fold(query).Split((char[])[' ', '\t', '"', '(', ')', '*', '?', '~', '+', '-', ':', '^', '\'', ',', '.', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("and" or "or" or "not") && w.Length > 1)
            .Distinct(StringComparer.Ordinal).ToList();
    }

    private static (int Index, int Length) NextMatch(string folded, IReadOnlyCollection<string> terms, int from, int end)
    {
        var best = (Index: -1, Length: 0);
        foreach (var term in terms)
        {
            var index = IndexOfWord(folded, term, from);
            if (index >= 0 && index < end && (best.Index < 0 || index < best.Index))
            {
                // Mark the whole word the term starts.
                var length = term.Length;
                while (index + length < folded.Length && char.IsLetterOrDigit(folded[index + length]))
                {
                    length++;
                }

                best = (index, Math.Min(length, end - index));
            }
        }

        return best;
    }

    private static int IndexOfWord(string folded, string term, int from)
    {
        for (var i = folded.IndexOf(term, from, StringComparison.Ordinal); i >= 0; i = folded.IndexOf(term, i + 1, StringComparison.Ordinal))
        {
            if (i == 0 || !char.IsLetterOrDigit(folded[i - 1]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static char FoldChar(char c)
    {
        switch (c)
        {
            case 'ł':
            case 'Ł':
                return 'l';
            case 'ß':
                return 's';
        }

        var lower = char.ToLowerInvariant(c);
        if (lower < 128 || char.IsSurrogate(lower))
        {
            return lower;   // half of a character outside the BMP (an emoji, Gothic letters): kept as it is
        }

        var decomposed = lower.ToString().Normalize(NormalizationForm.FormD);
        return decomposed.Length > 0 && CharUnicodeInfo.GetUnicodeCategory(decomposed[0]) != UnicodeCategory.NonSpacingMark ? decomposed[0] : lower;
    }
}
