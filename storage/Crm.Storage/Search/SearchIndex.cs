using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Crm.Storage.Search.Polish;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Crm.Storage.Search;

/// <summary>What the index holds for one searchable item (a document today; articles and cases later).</summary>
public sealed record IndexEntry(
    string Id,
    string Kind,
    string Title,
    string? Text,
    string? Metadata,
    IReadOnlyList<string> FolderPath,
    string? Type,
    string? Status,
    string? Owner,
    DateTimeOffset Date,
    IReadOnlyList<string> FolderAcl,
    IReadOnlyList<string>? ItemAcl,
    IReadOnlyList<string>? Codes = null);

/// <summary>
/// A search, with the caller's principals (<c>u:name</c>, <c>g:group</c>): results are filtered by them
/// inside the Lucene query, so totals and pages count only what the caller may read.
/// </summary>
public sealed record SearchQuery(
    string? Text,
    IReadOnlyCollection<string> Principals,
    bool SeeAll,
    string? FolderId = null,
    string? Type = null,
    string? Status = null,
    string? Owner = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Page = 1,
    int PageSize = 20)
{
    /// <summary>The kinds this search covers: documents and articles; records have their own look-up (<see cref="SearchIndex.Candidates"/>).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = ["document", "article"];
}

public sealed record SearchHit(string Id, string Kind, string Title, string Snippet, float Score);

public sealed record SearchResult(int Total, IReadOnlyList<SearchHit> Items);

/// <summary>
/// The full-text index on this node (Lucene.Net, one folder). Words go through the <see cref="PolishAnalyzer"/>; the
/// analyzer's stamp is committed with the index, so a node whose analyzer changed knows to rebuild (<see cref="NeedsRebuild"/>). Writes are applied by the outbox reader and
/// committed together with the id of the last outbox message they include, so after a crash the reader
/// resumes from the last commit and re-applies (updates are by id, so applying twice changes nothing).
/// </summary>
public sealed partial class SearchIndex : IDisposable
{
    public const string EveryoneInItemAcl = "*";
    private const string OutboxKey = "outbox";
    private const string StampKey = "stamp";

    /// <summary>Bump when what the index holds changes (new kinds of record): indexes with another stamp are rebuilt.</summary>
    public const string ContentVersion = "records-2";   // 2: a person's e-mail and phone are codes (matched only where field rules allow)
    private const int StoredTextLimit = 100_000;
    private static readonly string[] TextFields = ["title", "text", "metadata"];

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly PolishAnalyzer _analyzer;
    private readonly System.Threading.Lock _writeLock = new();

    /// <summary>Opens (or creates) the index in a folder; one process at a time may write it.</summary>
    /// <exception cref="Crm.Storage.Objects.StorageConfigurationException">Another process holds the index.</exception>
    public SearchIndex(string path, PolishHunspell? dictionary = null)
    {
        _analyzer = new PolishAnalyzer(dictionary);
        _directory = FSDirectory.Open(path);
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(FoldingAnalyzer.Version, _analyzer) { OpenMode = OpenMode.CREATE_OR_APPEND });
        }
        catch (LockObtainFailedException ex)
        {
            _directory.Dispose();
            _analyzer.Dispose();
            throw new Crm.Storage.Objects.StorageConfigurationException("Crm:Search:IndexPath",
                $"the search index at {path} is in use by another server process; give each server its own Crm:DataPath (or Crm:Search:IndexPath).", ex);
        }

        _searchers = new SearcherManager(_writer, true, null);
    }

    /// <summary>The last outbox message included in the latest commit (0 for a new index).</summary>
    public long LastApplied =>
        _writer.CommitData is { } data && data.TryGetValue(OutboxKey, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;

    private long _publishedUpTo;

    /// <summary>The last outbox message applied in this process: published to searches, committed or not yet.</summary>
    public long AppliedUpTo => Math.Max(LastApplied, Interlocked.Read(ref _publishedUpTo));

    /// <summary>True when changes were published to searches but not committed yet.</summary>
    public bool HasUncommitted => Interlocked.Read(ref _publishedUpTo) > LastApplied;

    /// <summary>
    /// Makes everything applied so far visible to searches at once (a near-real-time reader: no fsync), without a
    /// commit. A crash loses it; the outbox reader then applies it again from <see cref="LastApplied"/>.
    /// </summary>
    public void Publish(long appliedUpTo)
    {
        lock (_writeLock)
        {
            Interlocked.Exchange(ref _publishedUpTo, Math.Max(Interlocked.Read(ref _publishedUpTo), appliedUpTo));
        }

        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Commits what <see cref="Publish"/> made visible, with its outbox position.</summary>
    public void CommitPublished()
    {
        if (HasUncommitted)
        {
            Commit(Interlocked.Read(ref _publishedUpTo));
        }
    }

    /// <summary>What this node's analyzer and content version make; an index committed under another one is stale.</summary>
    public string Stamp => $"{_analyzer.Stamp}/{ContentVersion}";

    /// <summary>Which stemming the analyzer uses ("light" or "hunspell+light"), for the status page.</summary>
    public string Stemming => _analyzer.Stemming;

    /// <summary>
    /// True when the committed index was written with another analyzer or content version, or never committed: it
    /// must be rebuilt from the database (records that never passed the outbox are only found after that).
    /// </summary>
    public bool NeedsRebuild =>
        _writer.CommitData is not { } data || !data.TryGetValue(StampKey, out var stamp) || stamp != Stamp;

    public void Upsert(IndexEntry entry)
    {
        var doc = new Document
        {
            new StringField("id", entry.Id, Field.Store.YES),
            new StringField("kind", entry.Kind, Field.Store.YES),
            new TextField("title", entry.Title, Field.Store.YES),
            new TextField("text", entry.Text ?? "", Field.Store.NO),
            new StoredField("excerpt", Truncate(entry.Text ?? "", StoredTextLimit)),
            new TextField("metadata", entry.Metadata ?? "", Field.Store.NO),
            new Int64Field("date", entry.Date.ToUnixTimeMilliseconds(), Field.Store.YES),
        };
        AddStrings(doc, "path", entry.FolderPath);
        AddStrings(doc, "type", entry.Type is null ? [] : [entry.Type]);
        AddStrings(doc, "status", entry.Status is null ? [] : [entry.Status]);
        AddStrings(doc, "owner", entry.Owner is null ? [] : [entry.Owner]);
        AddStrings(doc, "folderAcl", entry.FolderAcl);
        AddStrings(doc, "itemAcl", entry.ItemAcl is null or { Count: 0 } ? [EveryoneInItemAcl] : entry.ItemAcl);
        AddStrings(doc, "code", entry.Codes?.Select(c => c.ToLowerInvariant()) ?? []);
        lock (_writeLock)
        {
            _writer.UpdateDocument(new Term("id", entry.Id), doc);
        }
    }

    public void Delete(string id)
    {
        lock (_writeLock)
        {
            _writer.DeleteDocuments(new Term("id", id));
        }
    }

    /// <summary>
    /// Makes everything applied so far durable, with the outbox position it reaches. The stamp stays what the index
    /// was built with, unless this commit ends a full rebuild (<paramref name="rebuilt"/>).
    /// </summary>
    public void Commit(long lastApplied, bool rebuilt = false)
    {
        lock (_writeLock)
        {
            var stamp = rebuilt ? Stamp : _writer.CommitData is { } data && data.TryGetValue(StampKey, out var old) ? old : null;
            var commitData = new Dictionary<string, string> { [OutboxKey] = lastApplied.ToString(CultureInfo.InvariantCulture) };
            if (stamp is not null)
            {
                commitData[StampKey] = stamp;
            }

            _writer.SetCommitData(commitData);
            _writer.Commit();
            if (rebuilt)
            {
                Interlocked.Exchange(ref _publishedUpTo, lastApplied);   // the rebuild replaced what was published before it
            }
        }

        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Drops everything not committed: what a crash leaves behind.</summary>
    public void DiscardUncommitted()
    {
        lock (_writeLock)
        {
            _writer.Rollback();
            Interlocked.Exchange(ref _publishedUpTo, 0);
        }
    }

    /// <summary>Empties the index (rebuild); the position goes back to 0 with the next commit.</summary>
    public void Clear()
    {
        lock (_writeLock)
        {
            _writer.DeleteAll();
        }
    }

    public int Count()
    {
        _searchers.MaybeRefreshBlocking();
        var searcher = _searchers.Acquire();
        try
        {
            return searcher.IndexReader.NumDocs;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public SearchResult Search(SearchQuery query)
    {
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 100);
        var (text, terms) = ParseText(query.Text);
        var filter = new QueryWrapperFilter(Filters(query));
        _searchers.MaybeRefresh();
        var searcher = _searchers.Acquire();
        try
        {
            var top = text is null
                ? searcher.Search(new MatchAllDocsQuery(), filter, page * size, new Sort(new SortField("date", SortFieldType.INT64, true)))
                : searcher.Search(text, filter, page * size);
            var hits = top.ScoreDocs.Skip((page - 1) * size).Select(hit =>
            {
                var doc = searcher.Doc(hit.Doc);
                var title = doc.Get("title", CultureInfo.InvariantCulture);
                var excerpt = doc.Get("excerpt", CultureInfo.InvariantCulture);
                var snippet = Snippets.Build(string.IsNullOrEmpty(excerpt) ? title : excerpt, terms);
                return new SearchHit(doc.Get("id", CultureInfo.InvariantCulture), doc.Get("kind", CultureInfo.InvariantCulture), title, snippet, float.IsNaN(hit.Score) ? 0 : hit.Score);
            }).ToList();
            return new SearchResult(top.TotalHits, hits);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>Composed Unicode (NFC), as the extraction worker stores text: "z\u0307" and "ż" are one letter.</summary>
    public static string? Normalized(string? text)
    {
        try
        {
            return text is null || text.IsNormalized(System.Text.NormalizationForm.FormC) ? text : text.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text;   // a lone surrogate: leave the text as it is
        }
    }

    private (Query? Query, IReadOnlyCollection<string> Terms) ParseText(string? text)
    {
        text = Normalized(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, []);
        }

        var parser = new MultiFieldQueryParser(FoldingAnalyzer.Version, TextFields, _analyzer,
            new Dictionary<string, float> { ["title"] = 3f, ["text"] = 1f, ["metadata"] = 1.5f })
        {
            DefaultOperator = Operator.AND,
            AllowLeadingWildcard = false,
        };
        Query parsed;
        try
        {
            parsed = parser.Parse(text);
        }
        catch (ParseException)
        {
            parsed = parser.Parse(QueryParserBase.Escape(text));   // "50% off (final" searches for the words
        }

        return (parsed, Snippets.Terms(text));
    }

    private static BooleanQuery Filters(SearchQuery query)
    {
        var filters = new BooleanQuery { { new MatchAllDocsQuery(), Occur.MUST } };
        if (!query.SeeAll)
        {
            filters.Add(AnyOf("folderAcl", query.Principals), Occur.MUST);
            filters.Add(AnyOf("itemAcl", [.. query.Principals, EveryoneInItemAcl]), Occur.MUST);
        }

        filters.Add(AnyOf("kind", query.Kinds), Occur.MUST);
        Add(filters, "path", query.FolderId);
        Add(filters, "type", query.Type);
        Add(filters, "status", query.Status);
        Add(filters, "owner", query.Owner);
        if (query.From is not null || query.To is not null)
        {
            filters.Add(NumericRangeQuery.NewInt64Range("date", query.From?.ToUnixTimeMilliseconds(), query.To?.ToUnixTimeMilliseconds(), true, true), Occur.MUST);
        }

        return filters;
    }

    private static BooleanQuery AnyOf(string field, IEnumerable<string> values)
    {
        var any = new BooleanQuery();
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            any.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
        }

        any.MinimumNumberShouldMatch = 1;
        return any;
    }

    private static void Add(BooleanQuery filters, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            filters.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        }
    }

    private static void AddStrings(Document doc, string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            doc.Add(new StringField(field, value, Field.Store.NO));
        }
    }

    private static string Truncate(string text, int limit) => text.Length <= limit ? text : text[..limit];

    public void Dispose()
    {
        _searchers.Dispose();
        try
        {
            _writer.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // rolled back
        }

        _analyzer.Dispose();
        _directory.Dispose();
    }
}
