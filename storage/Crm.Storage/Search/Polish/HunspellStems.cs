using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Hunspell;
using Lucene.Net.Analysis.TokenAttributes;

namespace Crm.Storage.Search.Polish;

/// <summary>
/// The Hunspell stems of words, each word worked out once per process. Lucene's stemmer walks the affix rules for
/// every token it sees (about 45 µs a word here, which made indexing four times slower than with the light stemmer
/// alone), while the words of a company's documents repeat: a memo of what each word gave is much cheaper. The answer
/// is exactly what <see cref="HunspellStemFilter"/> emits for the word (the word itself when the dictionary does not
/// know it), so the tokens, and the index stamp, do not change.
/// </summary>
public sealed class HunspellStems : IDisposable
{
    /// <summary>Words remembered at most; past it the memo starts again (tens of MB at most, and still correct).</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, string[]> _memo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly StemmingAnalyzer _stemmer;

    public HunspellStems(Dictionary dictionary)
    {
        _bySpan = _memo.GetAlternateLookup<ReadOnlySpan<char>>();
        _stemmer = new StemmingAnalyzer(dictionary);
    }

    /// <summary>Words remembered now.</summary>
    public int Count => _memo.Count;

    /// <summary>The stems of a lower-cased word, in the stemmer's order; the word alone when it has none.</summary>
    public string[] Of(ReadOnlySpan<char> word)
    {
        if (_bySpan.TryGetValue(word, out var stems))
        {
            return stems;
        }

        var text = word.ToString();
        stems = Stem(text);
        if (_memo.Count >= Capacity)
        {
            _memo.Clear();
        }

        _memo.TryAdd(text, stems);
        return stems;
    }

    private string[] Stem(string word)
    {
        // Lucene keeps one token stream per thread for an analyzer, so this is safe from any thread.
        using var stream = _stemmer.GetTokenStream("word", word);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        var stems = new List<string>(2);
        while (stream.IncrementToken())
        {
            stems.Add(term.ToString());
        }

        stream.End();
        return stems.Count == 0 ? [word] : [.. stems];
    }

    public void Dispose() => _stemmer.Dispose();

    /// <summary>One whole word in, Lucene's Hunspell stems out.</summary>
    private sealed class StemmingAnalyzer(Dictionary dictionary) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new KeywordTokenizer(reader);
            return new TokenStreamComponents(tokenizer, new HunspellStemFilter(tokenizer, dictionary, dedup: true, longestOnly: false));
        }
    }
}

/// <summary>
/// Replaces each token not marked as a keyword by its Hunspell stems (the first in place, the others at the same
/// position), as <see cref="HunspellStemFilter"/> does, but through the memo of <see cref="HunspellStems"/>.
/// </summary>
public sealed class MemoHunspellStemFilter : TokenFilter
{
    private readonly HunspellStems _stems;
    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _position;
    private readonly IKeywordAttribute _keyword;
    private string[]? _more;
    private int _next;
    private State? _state;

    public MemoHunspellStemFilter(TokenStream input, HunspellStems stems) : base(input)
    {
        _stems = stems;
        _term = AddAttribute<ICharTermAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_more is not null && _next < _more.Length)
        {
            RestoreState(_state);
            _position.PositionIncrement = 0;
            _term.SetEmpty().Append(_more[_next++]);
            return true;
        }

        _more = null;
        if (!m_input.IncrementToken())
        {
            return false;
        }

        if (_keyword.IsKeyword)
        {
            return true;
        }

        var stems = _stems.Of(_term.Buffer.AsSpan(0, _term.Length));
        _term.SetEmpty().Append(stems[0]);
        if (stems.Length > 1)
        {
            _state = CaptureState();
            _more = stems;
            _next = 1;
        }

        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _more = null;
    }
}
