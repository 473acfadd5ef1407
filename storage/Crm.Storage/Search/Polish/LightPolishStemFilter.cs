using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Crm.Storage.Search.Polish;

/// <summary>Replaces each token not marked as a keyword by its <see cref="LightPolishStemmer"/> stem.</summary>
public sealed class LightPolishStemFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IKeywordAttribute _keyword;

    public LightPolishStemFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }

        if (!_keyword.IsKeyword)
        {
            var word = _term.ToString();
            var stem = LightPolishStemmer.Stem(word);
            if (!ReferenceEquals(stem, word))
            {
                _term.SetEmpty().Append(stem);
            }
        }

        return true;
    }
}
