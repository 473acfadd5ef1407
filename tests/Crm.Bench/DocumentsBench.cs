using Crm.Platform.Common;
using Crm.Workflow.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Modules.Documents;
using Crm.Storage.Search;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Minio;
using Minio.DataModel.Args;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Bench;

internal sealed record Transfer(string Name, double ApiMBps, double RawMBps);

internal sealed record DocumentFigures(IReadOnlyList<Transfer> Transfers, double IndexedPerSecond, double ExtractAndIndexPerSecond, double RawLucenePerSecond, int SearchDocuments, double SearchP50, double SearchP95,
    long PeakRssMB = 0, int HostileFiles = 0, long HostilePeakRssMB = 0);

/// <summary>
/// (d) Documents against the real S3 server: upload and download through the HTTP API vs the Minio client
/// straight to the same server; indexing docx with extraction (outbox → object store → extraction →
/// Lucene) vs raw Lucene indexing of the same text; search latency with the permission filter at 100 000 documents.
/// </summary>
internal static class DocumentsBench
{
    private static readonly string[] Words = BuildVocabulary();

    public static async Task<DocumentFigures> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        var indexOnly = options.Only == "d-index";
        var transfers = indexOnly ? [] : await TransfersAsync(options, progress);
        if (options.Only == "d-io")
        {
            return new DocumentFigures(transfers, 0, 0, 0, 0, 0, 0);   // transfers only
        }

        var (indexed, extractOnly, raw, peak, hostile, hostilePeak) = await IndexingAsync(options, progress);
        var (documents, p50, p95) = indexOnly ? (0, 0, 0) : Search(progress);
        return new DocumentFigures(transfers, indexed, extractOnly, raw, documents, p50, p95, peak, hostile, hostilePeak);
    }

    private static async Task<List<Transfer>> TransfersAsync(BenchOptions options, IProgress<string> progress)
    {
        var settings = new Dictionary<string, string>
        {
            ["Crm:Storage:Provider"] = "S3",
            ["Crm:Storage:S3:Endpoint"] = options.S3Endpoint!,
            ["Crm:Storage:S3:AccessKey"] = options.S3AccessKey,
            ["Crm:Storage:S3:SecretKey"] = options.S3SecretKey,
            ["Crm:Storage:S3:Bucket"] = "crm-bench-api",
            ["Crm:Documents:MaxUploadBytes"] = (200L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        };
        await using var server = await BenchServer.StartAsync(options, "documents.db", settings);
        var folder = await (await server.Http.PostAsJsonAsync("/api/folders", new { name = "Bench " + Guid.NewGuid().ToString("N")[..6] })).Content.ReadFromJsonAsync<JsonElement>();
        var folderId = folder.GetProperty("id").GetString()!;
        var uri = new Uri(options.S3Endpoint!);
        using var minio = (MinioClient)new MinioClient().WithEndpoint(uri.Host, uri.Port).WithCredentials(options.S3AccessKey, options.S3SecretKey).WithSSL(false).Build();
        if (!await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket("crm-bench-raw")))
        {
            await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("crm-bench-raw"));
        }

        var results = new List<Transfer>();
        foreach (var (label, size, rounds) in new[] { ("1 MB", 1 << 20, 60), ("50 MB", 50 << 20, 6) })
        {
            // Fresh random bytes per upload: de-duplication must not make the API look faster than it is.
            double rawUp = 0, rawDown = 0, apiUp = 0, apiDown = 0;
            for (var round = 0; round < rounds + 1; round++)
            {
                var rawBytes = RandomNumberGenerator.GetBytes(size);
                var apiBytes = RandomNumberGenerator.GetBytes(size);
                var key = $"raw-{Guid.NewGuid():N}";
                string? id = null;
                // Both uploads, then both downloads, the API first in every other round: work a transfer leaves
                // behind (the server indexing an upload, the store settling a write) falls on raw and API alike.
                var apiFirst = round % 2 == 1;
                var (rawPut, apiPut) = await BothAsync(apiFirst,
                    () => minio.PutObjectAsync(new PutObjectArgs().WithBucket("crm-bench-raw").WithObject(key).WithStreamData(new MemoryStream(rawBytes)).WithObjectSize(rawBytes.Length)),
                    async () =>
                    {
                        using var form = new MultipartFormDataContent { { new StringContent(folderId), "folderId" }, { new ByteArrayContent(apiBytes), "file", "bench.bin" } };
                        using var upload = await server.Http.PostAsync("/api/documents", form);
                        upload.EnsureSuccessStatusCode();
                        id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                    });
                var (rawGet, apiGet) = await BothAsync(apiFirst,
                    () => minio.GetObjectAsync(new GetObjectArgs().WithBucket("crm-bench-raw").WithObject(key).WithCallbackStream(async (s, ct) => await s.CopyToAsync(Stream.Null, ct))),
                    async () =>
                    {
                        using var download = await server.Http.GetAsync($"/api/documents/{id}/content", HttpCompletionOption.ResponseHeadersRead);
                        download.EnsureSuccessStatusCode();
                        await (await download.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
                    });
                if (round == 0)
                {
                    continue;   // warm-up
                }

                rawUp += rawPut;
                rawDown += rawGet;
                apiUp += apiPut;
                apiDown += apiGet;
            }

            var megabytes = rounds * (double)size / (1 << 20);
            results.Add(new Transfer($"upload {label}", megabytes / apiUp, megabytes / rawUp));
            results.Add(new Transfer($"download {label}", megabytes / apiDown, megabytes / rawDown));
            progress.Report(string.Create(CultureInfo.InvariantCulture,
                $"{label}: upload API {megabytes / apiUp:F1} MB/s vs raw {megabytes / rawUp:F1} MB/s; download API {megabytes / apiDown:F1} vs raw {megabytes / rawDown:F1} MB/s"));
        }

        return results;
    }

    /// <summary>Seconds each of the two transfers took, run one after the other in the order given.</summary>
    private static async Task<(double Raw, double Api)> BothAsync(bool apiFirst, Func<Task> raw, Func<Task> api)
    {
        static async Task<double> TimeAsync(Func<Task> transfer)
        {
            var start = Stopwatch.GetTimestamp();
            await transfer();
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        if (apiFirst)
        {
            var apiSeconds = await TimeAsync(api);
            return (await TimeAsync(raw), apiSeconds);
        }

        var rawSeconds = await TimeAsync(raw);
        return (rawSeconds, await TimeAsync(api));
    }

    /// <summary>One-page .docx files through the whole pipeline (outbox, object store, extraction, Lucene) vs Lucene alone.</summary>
    private static async Task<(double Indexed, double ExtractOnly, double Raw, long PeakRssMB, int HostileFiles, long HostilePeakRssMB)> IndexingAsync(BenchOptions options, IProgress<string> progress)
    {
        const int count = 600;
        var dataPath = Directory.CreateTempSubdirectory("crm-bench-index-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Crm:DataPath"] = dataPath,
            ["Crm:Storage:Provider"] = "S3",
            ["Crm:Storage:S3:Endpoint"] = options.S3Endpoint,
            ["Crm:Storage:S3:AccessKey"] = options.S3AccessKey,
            ["Crm:Storage:S3:SecretKey"] = options.S3SecretKey,
            ["Crm:Storage:S3:Bucket"] = "crm-bench-index",
        };
        await using var provider = await EngineHost.CreateAsync(options, "index.db", settings: settings);
        await provider.GetRequiredService<Crm.Storage.Objects.IObjectStore>().EnsureReadyAsync();
        var texts = Enumerable.Range(0, count).Select(i => Paragraph(new Random(i), 300)).ToList();
        Guid folder;
        await using (var scope = provider.CreateAsyncScope())
        {
            folder = (await scope.ServiceProvider.GetRequiredService<FolderService>().CreateAsync(new CreateFolderRequest("Bench " + Guid.NewGuid().ToString("N")[..6], null), AdminUser, CancellationToken.None)).Id;
        }

        var indexer = provider.GetRequiredService<SearchIndexer>();
        await provider.GetRequiredService<Crm.Storage.Extraction.ExtractionWorkerPool>().WarmUpAsync(CancellationToken.None);   // as the server's index worker does at start
        while (await indexer.ApplyPendingAsync(CancellationToken.None) > 0)
        {
        }

        progress.Report($"indexing: storing {count} one-page .docx files");
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            await using var scope = provider.CreateAsyncScope();
            var documents = scope.ServiceProvider.GetRequiredService<DocumentService>();
            var stored = await documents.StoreAsync(new UploadedFile($"letter-{i}.docx", new MemoryStream(Docx(texts[i]))), ct);
            await documents.CreateAsync(new CreateDocumentRequest(folder, $"Letter {i}", "letter"), stored, AdminUser, AccessContext.Internal, ct);
        });

        // This process is the server here: its resident memory is sampled while it indexes.
        var peak = new PeakRss();
        var watch = Stopwatch.StartNew();
        // As the server's index worker does: each batch published to searches at once, one commit when the queue is empty.
        while (await indexer.ApplyPendingAsync(CancellationToken.None, commit: false) > 0)
        {
        }

        indexer.Index.CommitPublished();

        var indexed = count / watch.Elapsed.TotalSeconds;
        var pipelinePeak = peak.StopMB();

        // The hostile and odd files of tests/corpus (bombs, poison PDF, OCR scans) through the same pipeline.
        var hostile = 0;
        if (CorpusFolder() is { } corpus)
        {
            foreach (var file in Directory.GetFiles(corpus).Where(f => !f.EndsWith(".py", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".tsv", StringComparison.Ordinal) && new FileInfo(f).Length > 0))
            {
                await using var scope = provider.CreateAsyncScope();
                var documents = scope.ServiceProvider.GetRequiredService<DocumentService>();
                var stored = await documents.StoreAsync(new UploadedFile(Path.GetFileName(file), File.OpenRead(file)), CancellationToken.None);
                await documents.CreateAsync(new CreateDocumentRequest(folder, Path.GetFileName(file), null), stored, AdminUser, AccessContext.Internal, CancellationToken.None);
                hostile++;
            }
        }

        peak = new PeakRss();
        while (await indexer.ApplyPendingAsync(CancellationToken.None) > 0)
        {
        }

        var hostilePeak = peak.StopMB();
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"indexing: server peak RSS {pipelinePeak} MB for {count} docx, {hostilePeak} MB for {hostile} hostile/odd files"));

        // The same files, extraction and Lucene only (no database, no object store), on the same parallelism.
        var files = texts.Select(Docx).ToList();
        var tools = Crm.Extraction.ExternalTools.Detect();
        var limits = DocumentIndexer.Limits;
        // The analyzer the server uses (with the Polish dictionary when installed), so the comparison is like for like.
        var dictionary = Crm.Storage.Search.Polish.PolishHunspell.Find();
        using var extractIndex = new SearchIndex(Path.Combine(dataPath, "extract-index"), dictionary);
        watch.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount * 2) }, async (i, ct) =>
        {
            // The worker's own code, in this process: what extraction costs without a worker or a database.
            var path = Path.Combine(dataPath, $"extract-{i}.docx");
            await File.WriteAllBytesAsync(path, files[i], ct);
            var text = Crm.Extraction.TextExtractor.Extract(new Crm.Extraction.ExtractionRequest(path, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                limits.MaxChars, limits.MaxUnzippedBytes, limits.MaxZipRatio, limits.MaxOcrPages), tools, limits.TimeLimit);
            File.Delete(path);
            extractIndex.Upsert(new IndexEntry($"x-{i}", "document", $"Letter {i}", text.Text, "letter", [folder.ToString()], "letter", "draft", "admin", DateTimeOffset.UtcNow, ["g:office"], null));
        });
        extractIndex.Commit(count);
        var extractOnly = count / watch.Elapsed.TotalSeconds;
        var rawPath = Path.Combine(dataPath, "raw-index");
        using var raw = new SearchIndex(rawPath, dictionary);
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            raw.Upsert(new IndexEntry($"raw-{i}", "document", $"Letter {i}", texts[i], "letter", [folder.ToString()], "letter", "draft", "admin", DateTimeOffset.UtcNow, ["g:office"], null));
        }

        raw.Commit(count);
        var rawRate = count / watch.Elapsed.TotalSeconds;
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"indexing: {indexed:F0} docx/s through the pipeline, {extractOnly:F0} docx/s extraction + Lucene only, {rawRate:F0} docs/s raw Lucene"));
        return (indexed, extractOnly, rawRate, pipelinePeak, hostile, hostilePeak);
    }

    private static string? CorpusFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crm.sln")))
            {
                var corpus = Path.Combine(dir.FullName, "tests", "corpus");
                return Directory.Exists(corpus) ? corpus : null;
            }
        }

        return null;
    }

    /// <summary>This process's peak resident set size while it lives (sampled every 50 ms from /proc).</summary>
    private sealed class PeakRss
    {
        private readonly Task<long> _sampling;
        private volatile bool _stopped;

        public PeakRss() => _sampling = Task.Run(async () =>
        {
            var peak = 0L;
            while (!_stopped)
            {
                peak = Math.Max(peak, Resident());
                await Task.Delay(50, CancellationToken.None);
            }

            return peak;
        });

        public long StopMB()
        {
            _stopped = true;
            var peak = Math.Max(_sampling.GetAwaiter().GetResult(), Resident());
            return peak / 1024 / 1024;
        }

        private static long Resident()
        {
            try
            {
                return long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            }
            catch (IOException)
            {
                return Environment.WorkingSet;
            }
        }
    }

    /// <summary>p50/p95 of searches (one or two words, filtered by a user's principals) over 100 000 documents.</summary>
    private static (int Documents, double P50, double P95) Search(IProgress<string> progress)
    {
        const int documents = 100_000;
        var path = Directory.CreateTempSubdirectory("crm-bench-search-").FullName;
        try
        {
            using var index = new SearchIndex(path);
            var random = new Random(42);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < documents; i++)
            {
                var groups = Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"g:group{random.Next(50)}").Distinct().ToList();
                index.Upsert(new IndexEntry(i.ToString(CultureInfo.InvariantCulture), "document", Paragraph(random, 5), Paragraph(random, 150), null,
                    ["root", $"folder{random.Next(200)}"], "letter", "draft", $"user{random.Next(100)}", DateTimeOffset.UtcNow.AddDays(-random.Next(1000)),
                    groups, random.Next(20) == 0 ? [$"u:user{random.Next(100)}"] : null));
                if ((i + 1) % 25_000 == 0)
                {
                    progress.Report($"search: {i + 1} documents indexed ({watch.Elapsed.TotalSeconds:F0} s)");
                }
            }

            index.Commit(documents);
            var timings = new List<double>();
            for (var q = 0; q < 600; q++)
            {
                var text = q % 2 == 0 ? Words[random.Next(Words.Length)] : $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}";
                var principals = new[] { $"u:user{random.Next(100)}", $"g:group{random.Next(50)}", $"g:group{random.Next(50)}" };
                var start = Stopwatch.GetTimestamp();
                index.Search(new SearchQuery(text, principals, SeeAll: false, PageSize: 20));
                if (q >= 100)
                {
                    timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);   // the first 100 warm the caches
                }
            }

            timings.Sort();
            return (documents, timings[timings.Count / 2], timings[(int)(timings.Count * 0.95)]);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static readonly Crm.Workflow.Common.CurrentUser AdminUser = new(Guid.NewGuid(), "admin", new HashSet<string> { Crm.Workflow.Common.Roles.Admin }, new HashSet<string>());

    private static string Paragraph(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    private static byte[] Docx(string text)
    {
        using var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new W.Document(new W.Body(new W.Paragraph(new W.Run(new W.Text(text)))));
        }

        return memory.ToArray();
    }

    /// <summary>2 000 made-up Polish-looking words (with diacritics), enough for realistic term statistics.</summary>
    private static string[] BuildVocabulary()
    {
        var random = new Random(7);
        string[] syllables = ["ka", "ło", "wie", "rze", "sza", "mo", "ty", "ną", "ść", "pro", "dę", "go", "żu", "ci", "ba", "le", "nó", "źdź", "ra", "mi"];
        return [.. Enumerable.Range(0, 2000).Select(_ => string.Concat(Enumerable.Range(0, random.Next(2, 5)).Select(_ => syllables[random.Next(syllables.Length)]))).Distinct()];
    }
}
