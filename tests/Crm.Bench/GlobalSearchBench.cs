using System.Diagnostics;
using System.Globalization;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Platform.Search;
using Crm.Storage.Search;
using Crm.Storage.Search.Polish;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record GlobalSearchFigures(int Counterparties, int Documents, string Stemming, double HunspellLoadSeconds, double HunspellMB,
    double RebuildSeconds, IReadOnlyList<(string Name, double P50, double P95)> Mixes);

/// <summary>
/// Phase s (PostgreSQL): the global search at 1 000 000 counterparties (phase m's rows, inserted by PostgreSQL) and
/// 100 000 documents. The counterparties enter the index through the real rebuild path (the counterparties' search
/// source streaming from the database); the documents are written to the index directly (their text extraction is
/// phase d's subject). Then p50/p95 of <see cref="GlobalSearch.RunAsync"/> over a mix of names, NIP prefixes, Polish
/// word forms and document words, for a manager (sees all) and a staff member (one region and their own records).
/// </summary>
internal static class GlobalSearchBench
{
    private const int Documents = 100_000;
    private const int Samples = 200;
    private const double Target = 100;

    private static readonly string[] DocumentWords =
        ["reklamacja", "reklamację", "reklamacji", "faktura", "fakturze", "umowa", "umowy", "dostawa", "dostawy", "serwis", "przegląd", "gwarancja",
         "gwarancji", "zamówienie", "zamówienia", "płatność", "termin", "klient", "klienta", "magazyn", "chłodnicze", "urządzenie", "protokół", "odbiór"];

    public static async Task<GlobalSearchFigures?> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        if (!options.IsPostgres)
        {
            progress.Report("skipped on SQLite: the million-row figures are for PostgreSQL");
            return null;
        }

        var hunspell = Stopwatch.StartNew();
        var dictionary = PolishHunspell.Find();
        progress.Report(dictionary is null ? "no Hunspell dictionary installed: light stemmer only"
            : string.Create(CultureInfo.InvariantCulture, $"Hunspell pl_PL loaded in {dictionary.LoadTime.TotalSeconds:F1} s, {dictionary.ManagedBytes / 1024 / 1024} MB managed heap"));
        hunspell.Stop();
        var data = Directory.CreateTempSubdirectory("crm-bench-global-").FullName;
        try
        {
            await using var provider = await EngineHost.CreateAsync(options, "crm.db", settings: new Dictionary<string, string?> { ["Crm:DataPath"] = data });
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
                db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
                await CounterpartyBench.EnsureCounterpartiesAsync(db, progress);
            }

            var indexer = provider.GetRequiredService<SearchIndexer>();
            var rebuild = Stopwatch.StartNew();
            await indexer.RebuildAsync(new Progress<(int Done, int Total)>(), CancellationToken.None);
            var rebuildSeconds = rebuild.Elapsed.TotalSeconds;
            progress.Report(string.Create(CultureInfo.InvariantCulture, $"index rebuilt from the database in {rebuildSeconds:F0} s ({indexer.Index.Count():N0} entries)"));
            AddDocuments(indexer.Index, progress);

            var manager = new CurrentUser(Guid.NewGuid(), "boss", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());
            var staff = new CurrentUser(Guid.NewGuid(), "owner7", new HashSet<string> { Roles.Staff }, new HashSet<string> { "r3", "group7" });
            var search = provider.GetRequiredService<GlobalSearch>();
            var random = new Random(7);
            var mixes = new List<(string, double, double)>();
            foreach (var (name, user) in new[] { ("manager (sees all)", manager), ("staff (one region, own records)", staff) })
            {
                var times = new List<double>();
                for (var i = 0; i < Samples + 20; i++)
                {
                    var text = Query(random, i);
                    var started = Stopwatch.GetTimestamp();
                    await search.RunAsync(text, user, AccessContext.Internal, 5, CancellationToken.None);
                    if (i >= 20)
                    {
                        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                times.Sort();
                var p95 = times[(int)Math.Ceiling(0.95 * times.Count) - 1];
                mixes.Add((name, times[times.Count / 2], p95));
                progress.Report(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {times[times.Count / 2]:F1} ms, p95 {p95:F1} ms"));
            }

            return new GlobalSearchFigures(1_000_000, Documents, indexer.Index.Stemming, dictionary?.LoadTime.TotalSeconds ?? 0,
                (dictionary?.ManagedBytes ?? 0) / 1024.0 / 1024.0, rebuildSeconds, mixes);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Names (whole, start of a word, with a region word), NIP prefixes with and without a dash, document words in any form.</summary>
    private static string Query(Random random, int i)
    {
        string[] stems = ["Agro", "Elektro", "Bud", "Tech", "Hydro", "Mebl"];
        string[] endings = ["ex", "pol", "mar", "serwis"];
        var nip = (random.Next(1_000_000) * 7919L % 9_999_999_967L).ToString("D10", CultureInfo.InvariantCulture);
        return (i % 6) switch
        {
            0 => stems[random.Next(stems.Length)] + endings[random.Next(endings.Length)],
            1 => stems[random.Next(stems.Length)].ToLowerInvariant(),
            2 => $"{stems[random.Next(stems.Length)]}{endings[random.Next(endings.Length)]} łódzkie",
            3 => i % 12 == 3 ? nip[..6] : $"{nip[..3]}-{nip[3..6]}",
            4 => DocumentWords[random.Next(DocumentWords.Length)],
            _ => $"{DocumentWords[random.Next(DocumentWords.Length)]} {DocumentWords[random.Next(DocumentWords.Length)]}",
        };
    }

    private static void AddDocuments(SearchIndex index, IProgress<string> progress)
    {
        var random = new Random(11);
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => DocumentWords[random.Next(DocumentWords.Length)]));
        for (var i = 0; i < Documents; i++)
        {
            var groups = new[] { $"g:group{random.Next(50)}", $"g:group{random.Next(50)}" }.Distinct().ToList();
            index.Upsert(new IndexEntry(Guid.NewGuid().ToString(), DocumentIndexer.Kind, Words(4), Words(150), "letter", ["root"], "letter", "draft", "bench",
                DateTimeOffset.UtcNow, groups, null));
            if ((i + 1) % 25_000 == 0)
            {
                progress.Report($"{i + 1:N0} / {Documents:N0} documents indexed");
            }
        }

        index.Commit(index.LastApplied);
    }

    public static void Print(GlobalSearchFigures f)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Global search ({f.Counterparties:N0} counterparties, {f.Documents:N0} documents; stemming {f.Stemming}; index rebuild {f.RebuildSeconds:F0} s)"));
        if (f.HunspellLoadSeconds > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Hunspell pl_PL: loaded in {f.HunspellLoadSeconds:F1} s, {f.HunspellMB:F0} MB managed heap"));
        }

        foreach (var (name, p50, p95) in f.Mixes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} p50 {p50,7:F1} ms  p95 {p95,7:F1} ms  (target {Target:F0})  {new string('#', (int)Math.Round(Math.Min(40, 40 * p95 / Target)))}"));
        }
    }
}
