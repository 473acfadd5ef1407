using Crm.Storage.Search;
using Crm.Storage.Search.Polish;
using Xunit;

namespace Crm.Storage.Tests.Search;

/// <summary>
/// Polish word forms in the index: the light stemmer alone (what a node without hunspell-pl uses) and with the Hunspell
/// dictionary when it is installed; codes by prefix; the analyzer stamp that makes a changed index rebuild.
/// </summary>
public sealed class PolishWordFormsTests : IDisposable
{
    private readonly List<string> _paths = [];

    [Theory]
    [InlineData("reklamacja", "reklamacje", "reklamacji", "reklamacjami", "reklamacjach", "reklamacjom")]
    [InlineData("faktura", "faktury", "fakturze", "fakturami", "fakturach", "fakture")]
    [InlineData("woda", "wody", "wodzie", "wode", "woda", "wodami")]
    [InlineData("klient", "klienta", "klientowi", "klientem", "klientami", "klientow")]
    public void LightStemmer_FormsOfOneWord_MeetOnOneStem(params string[] forms)
    {
        Assert.Single(forms.Select(LightPolishStemmer.Stem).Distinct());
    }

    [Theory]
    [InlineData("nip")]
    [InlineData("abc")]
    [InlineData("5271234567")]
    [InlineData("rk2026")]
    public void LightStemmer_ShortWordsAndCodes_AreLeftAlone(string word)
    {
        Assert.Equal(word, LightPolishStemmer.Stem(word));
    }

    public static TheoryData<bool> Dictionaries => PolishHunspell.Find() is null ? new TheoryData<bool> { false } : new TheoryData<bool> { false, true };

    [Theory]
    [MemberData(nameof(Dictionaries))]
    public void Candidates_AnyFormWithOrWithoutDiacritics_FindsTheRecord(bool hunspell)
    {
        using var index = Open(hunspell);
        index.Upsert(Entry("1", "Reklamację przyjęto", "Klient zgłosił reklamację dostawy do Łodzi."));
        index.Upsert(Entry("2", "Faktura korygująca", "Korekta faktury za usługi."));
        index.Commit(2);

        foreach (var query in new[] { "reklamacja", "reklamacji", "reklamacje", "reklamację", "REKLAMACJE dostawa", "łódź", "lodz" })
        {
            Assert.Equal(["1"], index.Candidates(query, "complaint", null, 10).Hits.Select(h => h.Id));
        }

        Assert.Equal(["2"], index.Candidates("fakturze", "complaint", null, 10).Hits.Select(h => h.Id));
        Assert.Empty(index.Candidates("reklamacja faktura", "complaint", null, 10).Hits);   // every word must occur
    }

    [Fact]
    public void Candidates_CodePrefixAndTypedWordStart_FindTheCompany()
    {
        using var index = Open(hunspell: false);
        index.Upsert(Entry("c1", "Agroex Polska sp. z o.o.", "ul. Polna 5 00-001 Warszawa", kind: "counterparty", codes: ["5271234567", "PL5271234567"]));
        index.Upsert(Entry("c2", "Budmar S.A.", "Kraków", kind: "counterparty", codes: ["7770001112"]));
        index.Upsert(Entry("d1", "Agroex umowa", "Agroex", kind: "document"));
        index.Commit(3);

        Assert.Equal(["c1"], index.Candidates("527-12", "counterparty", null, 10).Hits.Select(h => h.Id));
        Assert.Equal(["c1"], index.Candidates("527 123", "counterparty", null, 10).Hits.Select(h => h.Id));
        Assert.Equal(["c1"], index.Candidates("agro", "counterparty", null, 10).Hits.Select(h => h.Id));
        Assert.Equal(["c1"], index.Candidates("agroex warszawa", "counterparty", null, 10).Hits.Select(h => h.Id));
        Assert.Empty(index.Candidates("527-12", "counterparty", null, 10, codes: false).Hits);   // a caller who may not read NIPs
        Assert.Equal(1, index.Candidates("agroex", "document", ["g:staff"], 10).Total);
        Assert.Equal(0, index.Candidates("agroex", "document", ["g:nobody"], 10).Total);     // the ACL holds for documents

        // Records are not in the document search (they carry their own rights).
        Assert.Equal(["d1"], index.Search(new SearchQuery("agroex", [], SeeAll: true)).Items.Select(h => h.Id));
    }

    [Fact]
    public void Stamp_NewOrOtherAnalyzer_NeedsRebuild()
    {
        var path = NewPath();
        using (var index = new SearchIndex(path))
        {
            Assert.True(index.NeedsRebuild);
            index.Commit(0);
            Assert.True(index.NeedsRebuild);   // an ordinary commit does not claim a rebuild
            index.Commit(0, rebuilt: true);
            Assert.False(index.NeedsRebuild);
            index.Commit(5);
            Assert.False(index.NeedsRebuild);   // later commits keep the stamp
        }

        using (var reopened = new SearchIndex(path))
        {
            Assert.False(reopened.NeedsRebuild);
            Assert.Equal(5, reopened.LastApplied);
        }

        if (PolishHunspell.Find() is { } dictionary)
        {
            using var withDictionary = new SearchIndex(path, dictionary);
            Assert.True(withDictionary.NeedsRebuild);   // the dictionary was installed since: other tokens
        }
    }

    [Fact]
    public void HunspellMemo_GivesExactlyLuceneHunspellTokens_TheFirstTimeAndFromTheMemo()
    {
        if (PolishHunspell.Find() is not { } dictionary)
        {
            return;   // hunspell-pl is not installed: the light stemmer alone is covered above
        }

        // Known words with one and with several stems, unknown words, codes, a typo: twice, so the second pass comes from the memo.
        const string text = "Klient zgłosił reklamację dostawy do Łodzi; faktury, fakturze i korekty zostały przyjęte. "
            + "Zamek zamku zamki, pisali piszą pisze, był była było. xqzt 5271234567 rk2026 reklamcja Agroex";
        var expected = Tokens(new LuceneHunspellAnalyzer(dictionary.Hunspell), text);
        using var analyzer = new PolishAnalyzer(dictionary);
        Assert.Equal(expected, Tokens(analyzer, text));
        Assert.Equal(expected, Tokens(analyzer, text));
        Assert.Contains(expected, t => t.Increment == 0 && !t.Term.Contains('ą', StringComparison.Ordinal));   // some word has several stems
    }

    private static List<(string Term, int Increment)> Tokens(Lucene.Net.Analysis.Analyzer analyzer, string text)
    {
        using var stream = analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        var increment = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.IPositionIncrementAttribute>();
        stream.Reset();
        var tokens = new List<(string, int)>();
        while (stream.IncrementToken())
        {
            tokens.Add((term.ToString(), increment.PositionIncrement));
        }

        stream.End();
        return tokens;
    }

    /// <summary>The analyzer chain of <see cref="PolishAnalyzer"/> with Lucene's own Hunspell filter in place of the memo.</summary>
    private sealed class LuceneHunspellAnalyzer(Lucene.Net.Analysis.Hunspell.Dictionary dictionary) : Lucene.Net.Analysis.Analyzer
    {
        protected override Lucene.Net.Analysis.TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new Lucene.Net.Analysis.Standard.StandardTokenizer(FoldingAnalyzer.Version, reader);
            Lucene.Net.Analysis.TokenStream stream = new Lucene.Net.Analysis.Core.LowerCaseFilter(FoldingAnalyzer.Version, tokenizer);
            stream = new Lucene.Net.Analysis.Miscellaneous.KeywordRepeatFilter(stream);
            stream = new Lucene.Net.Analysis.Hunspell.HunspellStemFilter(stream, dictionary, dedup: true, longestOnly: false);
            stream = new Lucene.Net.Analysis.Miscellaneous.ASCIIFoldingFilter(stream);
            stream = new LightPolishStemFilter(stream);
            stream = new Lucene.Net.Analysis.Miscellaneous.RemoveDuplicatesTokenFilter(stream);
            return new Lucene.Net.Analysis.TokenStreamComponents(tokenizer, stream);
        }
    }

    private SearchIndex Open(bool hunspell) => new(NewPath(), hunspell ? PolishHunspell.Find() : null);

    private string NewPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "crm-pl-index-" + Guid.NewGuid().ToString("N"));
        _paths.Add(path);
        return path;
    }

    private static IndexEntry Entry(string id, string title, string text, string kind = "complaint", IReadOnlyList<string>? codes = null) =>
        new(id, kind, title, text, null, [], null, null, null, DateTimeOffset.UnixEpoch, kind == "document" ? ["g:staff"] : [], null, codes);

    public void Dispose()
    {
        foreach (var path in _paths.Where(Directory.Exists))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
