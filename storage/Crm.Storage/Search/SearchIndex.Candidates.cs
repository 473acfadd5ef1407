using System.Globalization;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Crm.Storage.Search;

/// <summary>The best entries of one kind for a query, and how many matched in all.</summary>
public sealed record Candidates(int Total, IReadOnlyList<SearchHit> Hits);

public sealed partial class SearchIndex
{
    private static readonly (string Field, float Boost)[] CandidateFields = [("title", 3f), ("metadata", 1.5f), ("text", 1f)];

    /// <summary>
    /// The global search's look-up of one kind of entry: every word typed must occur (any form of it, with or without
    /// diacritics; the last one may be the start of a word, as people type), or the whole text is the start of a code
    /// (NIP, REGON, a case number; dashes and spaces in digits ignored; not when <paramref name="codes"/> is false, for
    /// a caller who may not read them). With <paramref name="principals"/> the
    /// index's ACL filters the hits (documents); without, the caller filters the ids by its own rules (records).
    /// </summary>
    public Candidates Candidates(string text, string kind, IReadOnlyCollection<string>? principals, int max, bool codes = true)
    {
        var matching = GlobalQuery(Normalized(text) ?? "", codes);
        if (matching is null)
        {
            return new Candidates(0, []);
        }

        var query = new BooleanQuery { { matching, Occur.MUST }, { new ConstantScoreQuery(new TermQuery(new Term("kind", kind))) { Boost = 0 }, Occur.MUST } };
        if (principals is not null)
        {
            query.Add(AnyOf("folderAcl", principals), Occur.MUST);
            query.Add(AnyOf("itemAcl", [.. principals, EveryoneInItemAcl]), Occur.MUST);
        }

        _searchers.MaybeRefresh();
        var searcher = _searchers.Acquire();
        try
        {
            var top = searcher.Search(query, Math.Max(1, max));
            var hits = top.ScoreDocs.Select(hit =>
            {
                var doc = searcher.Doc(hit.Doc);
                return new SearchHit(doc.Get("id", CultureInfo.InvariantCulture), kind, doc.Get("title", CultureInfo.InvariantCulture), "", hit.Score);
            }).ToList();
            return new Candidates(top.TotalHits, hits);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    private BooleanQuery? GlobalQuery(string text, bool codes)
    {
        var words = text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var any = new BooleanQuery();
        if (codes && CodePrefix(text) is { } code)
        {
            any.Add(new PrefixQuery(new Term("code", code)) { Boost = 5 }, Occur.SHOULD);
        }

        var all = new BooleanQuery();
        for (var i = 0; i < words.Length; i++)
        {
            var forms = WordQuery(words[i], last: i == words.Length - 1);
            if (forms is not null)
            {
                all.Add(forms, Occur.MUST);
            }
        }

        if (all.Clauses.Count > 0)
        {
            any.Add(all, Occur.SHOULD);
        }

        return any.Clauses.Count == 0 ? null : any;
    }

    /// <summary>Any analysed form of the word in any text field; the last word also as the start of a title word.</summary>
    private BooleanQuery? WordQuery(string word, bool last)
    {
        var forms = new BooleanQuery();
        foreach (var token in Tokens(word))
        {
            foreach (var (field, boost) in CandidateFields)
            {
                forms.Add(new TermQuery(new Term(field, token)) { Boost = boost }, Occur.SHOULD);
            }
        }

        var folded = Snippets.Fold(word).Trim(TrimmedFromWords);
        if (last && folded.Length >= 2 && folded.All(char.IsLetterOrDigit))
        {
            forms.Add(new PrefixQuery(new Term("title", folded)), Occur.SHOULD);
        }

        return forms.Clauses.Count == 0 ? null : forms;
    }

    private static readonly char[] TrimmedFromWords = ['"', '\'', '(', ')', ',', '.', ';', ':', '*', '?', '!'];

    private List<string> Tokens(string word)
    {
        var tokens = new List<string>();
        using var stream = _analyzer.GetTokenStream("title", word);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }

        stream.End();
        return tokens;
    }

    /// <summary>Digits typed with dashes or spaces ("527-10") become "52710"; a number like "RK/2026/7" is taken as typed.</summary>
    private static string? CodePrefix(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.All(c => char.IsAsciiDigit(c) || c is '-' or ' '))
        {
            var digits = new string([.. trimmed.Where(char.IsAsciiDigit)]);
            return digits.Length >= 3 ? digits : null;
        }

        return trimmed.Length >= 3 && !trimmed.Contains(' ', StringComparison.Ordinal) ? trimmed.ToLowerInvariant() : null;
    }
}
