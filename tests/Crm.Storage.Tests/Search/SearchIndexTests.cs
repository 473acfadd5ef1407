using Crm.Storage.Search;
using Xunit;

namespace Crm.Storage.Tests.Search;

/// <summary>The Lucene index in a real folder: diacritics, ranking, snippets, filters and access inside the query.</summary>
public sealed class SearchIndexTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "crm-index-" + Guid.NewGuid().ToString("N"));
    private readonly SearchIndex _index;

    public SearchIndexTests()
    {
        _index = new SearchIndex(_path);
        Add("1", "Instrukcja BHP", "Zażółć gęślą jaźń. Procedura zgłaszania wypadków.", ["root", "hr"], ["g:staff"], null);
        Add("2", "Cennik", "Ceny usług na rok 2027, zazolc.", ["root", "sales"], ["g:sales"], null);
        Add("3", "Umowa poufna", "Zażółć: warunki poufne.", ["root", "sales"], ["g:sales"], ["u:anna"]);
        _index.Commit(3);
    }

    [Theory]
    [InlineData("zazolc")]
    [InlineData("zażółć")]
    [InlineData("ZAŻÓŁĆ")]
    public void Diacritics_FoundWithAndWithout(string query)
    {
        var result = _index.Search(new SearchQuery(query, [], SeeAll: true));

        Assert.Equal(3, result.Total);
    }

    [Fact]
    public void Snippet_MarksTheWordWithItsAccents()
    {
        var hit = Assert.Single(_index.Search(new SearchQuery("gesla", [], SeeAll: true)).Items);

        Assert.Equal("1", hit.Id);
        Assert.Contains("<mark>gęślą</mark>", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void Snippet_OfTextWithCharactersOutsideTheBmp_IsBuilt()
    {
        Add("9", "Podpis", "Pozdrawiam serdecznie 😀 𐌰𐌱 — reklamacja przyjęta.", ["root"], ["g:staff"], null);
        _index.Commit(9);

        var hit = Assert.Single(_index.Search(new SearchQuery("reklamacja", [], SeeAll: true)).Items);
        Assert.Contains("😀", System.Net.WebUtility.HtmlDecode(hit.Snippet), StringComparison.Ordinal);
        Assert.Contains("<mark>reklamacja</mark>", hit.Snippet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("𐌲𐌿𐌸𐌰", "𐌲𐌿𐌸𐌰")]            // Gothic: letters outside the BMP, surrogate pairs
    [InlineData("東京", "東京")]                // CJK: ideographs without spaces between words
    [InlineData("שלום", "שלום")]                // Hebrew, right to left
    [InlineData("مرحبا", "مرحبا")]              // Arabic, right to left
    [InlineData("Kasztanowiec", "Kasztanowiec")] // next to emoji with skin tones and joiners
    [InlineData("z\u0307o\u0301łw", "żółw")]  // typed decomposed (combining marks), stored composed
    [InlineData("zolw", "żółw")]
    public void WholeUnicode_FoundAndMarkedInTheSnippet(string query, string marked)
    {
        Add("7", "Mieszanka", "Kasztanowiec 🌰 👍🏽 👨\u200d👩\u200d👧 — 𐌲𐌿𐌸𐌰 i 東京大学, שלום עולם, مرحبا بالعالم; żółw.", ["root"], ["g:staff"], null);
        _index.Commit(7);

        var hit = Assert.Single(_index.Search(new SearchQuery(System.Text.RegularExpressions.Regex.Unescape(query), [], SeeAll: true)).Items);

        Assert.Equal("7", hit.Id);
        Assert.Contains($"<mark>{System.Net.WebUtility.HtmlEncode(marked)}", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains("👨\u200d👩\u200d👧", System.Net.WebUtility.HtmlDecode(hit.Snippet), StringComparison.Ordinal);
    }

    [Fact]
    public void AccessFilter_IsPartOfTheQuery_SoTotalsCountOnlyReadableItems()
    {
        Assert.Equal(1, _index.Search(new SearchQuery("zazolc", ["u:marek", "g:sales"], SeeAll: false)).Total);
        Assert.Equal(2, _index.Search(new SearchQuery("zazolc", ["u:anna", "g:sales"], SeeAll: false)).Total);
        Assert.Equal(0, _index.Search(new SearchQuery("zazolc", ["u:jan"], SeeAll: false)).Total);
        Assert.Equal(["2"], _index.Search(new SearchQuery(null, ["u:marek", "g:sales"], SeeAll: false, FolderId: "sales")).Items.Select(i => i.Id));
    }

    [Fact]
    public void TitleRanksAboveBody_AndBadSyntaxStillSearches()
    {
        Add("4", "Procedura reklamacji", "tekst", ["root"], ["g:staff"], null);
        _index.Commit(4);

        var result = _index.Search(new SearchQuery("procedura", [], SeeAll: true));
        Assert.Equal("4", result.Items[0].Id);
        Assert.Equal(2, _index.Search(new SearchQuery("procedura (", [], SeeAll: true)).Total);
    }

    [Fact]
    public void Commit_RemembersTheOutboxPosition_UpsertReplaces()
    {
        Add("2", "Cennik 2028", "nowe ceny", ["root", "sales"], ["g:sales"], null);
        _index.Commit(9);

        using var reopened = ReopenAfterDispose();
        Assert.Equal(9, reopened.LastApplied);
        Assert.Equal(3, reopened.Count());
        Assert.Equal("Cennik 2028", Assert.Single(reopened.Search(new SearchQuery("ceny", [], SeeAll: true)).Items).Title);
    }

    [Fact]
    public void Publish_IsSearchableAtOnce_CommittedOnlyByCommitPublished_LostByACrash()
    {
        Add("4", "Protokół odbioru", "odbiór kotła", ["root", "hr"], ["g:staff"], null);
        _index.Publish(7);

        Assert.Equal("4", Assert.Single(_index.Search(new SearchQuery("kotła", [], SeeAll: true)).Items).Id);
        Assert.Equal(3, _index.LastApplied);   // the durable position has not moved
        Assert.Equal(7, _index.AppliedUpTo);   // but the outbox reader goes on after 7
        Assert.True(_index.HasUncommitted);

        _index.DiscardUncommitted();   // what a crash does
        using (var afterCrash = new SearchIndex(_path))
        {
            Assert.Equal(3, afterCrash.AppliedUpTo);   // read again from the outbox
            Assert.Empty(afterCrash.Search(new SearchQuery("kotła", [], SeeAll: true)).Items);

            afterCrash.Upsert(new IndexEntry("4", "document", "Protokół odbioru", "odbiór kotła", null, ["root"], "letter", "draft", "anna", DateTimeOffset.UtcNow, ["g:staff"], null));
            afterCrash.Publish(7);
            afterCrash.CommitPublished();
            Assert.False(afterCrash.HasUncommitted);
        }

        using var reopened = new SearchIndex(_path);
        Assert.Equal(7, reopened.LastApplied);
        Assert.Single(reopened.Search(new SearchQuery("kotła", [], SeeAll: true)).Items);
    }

    [Fact]
    public void SecondWriterOnTheSameFolder_IsRefusedWithTheSettingToChange()
    {
        var error = Assert.Throws<Crm.Storage.Objects.StorageConfigurationException>(() => new SearchIndex(_path));

        Assert.Contains("Crm:Search:IndexPath", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _index.Count());   // the first one is untouched
    }

    private SearchIndex ReopenAfterDispose()
    {
        _index.Dispose();
        return new SearchIndex(_path);
    }

    private void Add(string id, string title, string text, string[] path, string[] folderAcl, string[]? itemAcl) =>
        _index.Upsert(new IndexEntry(id, "document", title, text, null, path, "letter", "draft", "anna", DateTimeOffset.UtcNow, folderAcl, itemAcl));

    public void Dispose()
    {
        try
        {
            _index.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // disposed by the test already
        }

        Directory.Delete(_path, recursive: true);
    }
}
