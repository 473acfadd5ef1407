using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;

namespace Crm.Storage.Search.Polish;

/// <summary>
/// Words for the index and for queries alike: lower-cased, each kept as written (folded to ASCII, so "zazolc" finds
/// "zażółć") and also as its stem, so any form of a Polish word finds the others ("reklamacja" finds "reklamację",
/// "reklamacji", and "reklamacje" typed without the ogonek). With the Hunspell dictionary the stems come from it
/// first (irregular forms too), then pass the light stemmer like every other word, so both agree on one stem.
/// </summary>
public sealed class PolishAnalyzer(PolishHunspell? dictionary) : Analyzer
{
    /// <summary>Bump when the tokens change: an index written with another stamp is rebuilt at start.</summary>
    public const string Version = "pl-2";

    /// <summary>Which stemming is on, for the index stamp and the status page.</summary>
    public string Stemming => dictionary is null ? "light" : "hunspell+light";

    /// <summary>What an index built by this analyzer records, so a change of analyzer is noticed.</summary>
    public string Stamp => $"{Version}:{Stemming}";

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(FoldingAnalyzer.Version, reader);
        TokenStream stream = new LowerCaseFilter(FoldingAnalyzer.Version, tokenizer);
        stream = new KeywordRepeatFilter(stream);   // the word as written, and a copy to stem
        if (dictionary is not null)
        {
            stream = new MemoHunspellStemFilter(stream, dictionary.Stems);
        }

        stream = new ASCIIFoldingFilter(stream);
        stream = new LightPolishStemFilter(stream);
        stream = new RemoveDuplicatesTokenFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
    }
}
