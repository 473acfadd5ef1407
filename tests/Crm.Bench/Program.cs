using System.Diagnostics;
using System.Globalization;
using Crm.Bench;

// Engine throughput against a real database, each figure next to the database's own raw commit rate
// at the same client count, so results compare across machines. Usage (scripts/bench.sh does this):
//   Crm.Bench --provider postgres --db "<Npgsql connection string>" --server <Crm.Server.dll> [--clients 4] [--seconds 10]
//   Crm.Bench --provider sqlite   --db <folder>                      --server <Crm.Server.dll>
var options = BenchOptions.Parse(args);
if (args.Contains("--worker"))
{
    return await AsyncJobs.WorkerMainAsync(options);   // the second process of phase j
}

Console.WriteLine($"Benchmark on {options.Provider}, {options.Clients} clients, {options.Seconds} s per phase, {Environment.ProcessorCount} cores");

var results = new List<(string Name, double PerSecond)>();
using (var raw = Phase("c) raw one-row commits"))
{
    results.Add(("c raw commits/s", await RawCommits.RunAsync(options, raw.Progress)));
}

if (options.Only is null or "a")
{
    using var straight = Phase("a) straight-through instances (start -> service task -> exclusive gateway -> end)");
    results.Add(("a straight-through instances/s", await StraightThrough.RunAsync(options, straight.Progress)));
}

if (options.Only is null or "b")
{
    using var http = Phase("b) user-task round trips over HTTP (start, complete the task it created)");
    results.Add(("b HTTP user-task round trips/s", await HttpRoundTrips.RunAsync(options, http.Progress)));
}

List<LoadLevel>? load = null;
if (options.Only is null or "l")
{
    using var phase = Phase("l) load: phase b's round trip at 4, 16 and 64 clients, errors and p99 latency");
    load = await LoadLevels.RunAsync(options, phase.Progress);
}

JobFigures? jobs = null;
if (options.Only is null or "j")
{
    using var phase = Phase("j) async jobs: a backlog of async no-op service tasks drained by the job executor; timer lag under load");
    jobs = await AsyncJobs.RunAsync(options, phase.Progress);
    results.Add(("j async jobs/s, one process", jobs.OneProcess));
    if (jobs.TwoProcesses is { } two)
    {
        results.Add(("j async jobs/s, two processes", two));
    }
}

InboxFigures? inbox = null;
if (options.Only is null or "i")
{
    using var phase = Phase("i) inbox: first page and badge counts of a group with 10 000 open tasks");
    inbox = await InboxBench.RunAsync(options, phase.Progress);
}

ReadingFigures? reading = null;
TicketQueueFigures? tickets = null;
if (options.Only is null or "t")
{
    using var phase = Phase("t) service desk: the queue of a group with 100 000 open tickets (time to breach, first page, breached only, page 10)");
    tickets = await TicketQueueBench.RunAsync(options, phase.Progress);
}

if (options.Only is null or "k")
{
    using var phase = Phase("k) mandatory reading for 10 000 users: start, confirmations, compliance view");
    reading = await ReadingBench.RunAsync(options, phase.Progress);
}

CounterpartyFigures? crm = null;
if (options.Only is "m")
{
    // Not in the default run: loading 6 million rows takes minutes.
    using var phase = Phase("m) CRM lists at 1 000 000 counterparties and 5 000 000 activities (PostgreSQL)");
    crm = await CounterpartyBench.RunAsync(options, phase.Progress);
}

GlobalSearchFigures? globalSearch = null;
if (options.Only is "s")
{
    // Not in the default run: it needs phase m's million counterparties (loaded here when missing).
    using var phase = Phase("s) global search at 1 000 000 counterparties and 100 000 documents (PostgreSQL)");
    globalSearch = await GlobalSearchBench.RunAsync(options, phase.Progress);
}

DocumentFigures? documents = null;
if (options.Only is null or "d" or "d-index" or "d-io")
{
    if (options.S3Endpoint is null)
    {
        Console.WriteLine("\n== d) documents: skipped (no --s3 endpoint)");
    }
    else
    {
        using var phase = Phase("d) documents: API vs raw S3 transfers, indexing with extraction vs raw Lucene, search at 100 000 documents");
        documents = await DocumentsBench.RunAsync(options, phase.Progress);
    }
}

CorrespondenceFigures? correspondence = null;
if (options.Only is null or "e")
{
    if (options.Mail is null)
    {
        Console.WriteLine("\n== e) e-mail and templates: skipped (no --mail host:smtp:imap)");
    }
    else
    {
        using var phase = Phase("e) e-mail and templates: 10 000 messages imported over IMAP, letters from a Word template (with and without PDF)");
        correspondence = await CorrespondenceBench.RunAsync(options, 10_000, 1_000, 20, phase.Progress);
    }
}

CampaignFigures? campaigns = null;
if (options.Only is null or "g")
{
    if (options.Mail is null)
    {
        Console.WriteLine("\n== g) campaigns: skipped (no --mail host:smtp:imap)");
    }
    else
    {
        using var phase = Phase("g) campaigns: the launch of 10 000 member processes, an unthrottled mailing of 2 000 messages");
        campaigns = await CampaignBench.RunAsync(options, 10_000, 2_000, phase.Progress);
    }
}

var c = results[0].PerSecond;
Console.WriteLine();
Console.WriteLine($"Results ({options.Provider}, {options.Clients} clients)");
var widest = results.Max(r => r.PerSecond);
foreach (var (name, perSecond) in results)
{
    var bar = new string('#', (int)Math.Round(40 * perSecond / widest));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-34} {perSecond,10:F0}  {bar}"));
}

Console.WriteLine("  " + string.Join("   ", results.Skip(1).Where(r => r.Name[0] != 'j').Select(r => string.Create(CultureInfo.InvariantCulture, $"ratio {r.Name[0]}/c = {r.PerSecond / c:F3}"))));
if (jobs is not null)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  j/c = {jobs.OneProcess / c:F3}   timer lag under {jobs.LoadPerSecond:F0} async instances/s: p50 {jobs.LagP50:F0} ms, p99 {jobs.LagP99:F0} ms ({jobs.Timers} timers)"));
}
if (load is not null)
{
    LoadLevels.Print(load);
}

if (inbox is not null)
{
    InboxBench.Print(inbox);
}

if (reading is not null)
{
    ReadingBench.Print(reading);
}

if (tickets is not null)
{
    TicketQueueBench.Print(tickets);
}

if (crm is not null)
{
    CounterpartyBench.Print(crm);
}

if (globalSearch is not null)
{
    GlobalSearchBench.Print(globalSearch);
}

if (correspondence is not null)
{
    CorrespondenceBench.Print(correspondence);
}

if (campaigns is not null)
{
    CampaignBench.Print(campaigns);
}

if (documents is not null)
{
    Console.WriteLine();
    Console.WriteLine("Documents (real S3 server)");
    foreach (var t in documents.Transfers)
    {
        var bar = new string('#', (int)Math.Round(30 * Math.Min(1.5, t.ApiMBps / t.RawMBps) / 1.5));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Name,-16} API {t.ApiMBps,7:F1} MB/s   raw {t.RawMBps,7:F1} MB/s   ratio {t.ApiMBps / t.RawMBps:F2}  {bar}"));
    }

    if (documents.IndexedPerSecond == 0)
    {
        return 0;   // --only d-io: transfers only
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  indexing 1-page docx: pipeline (outbox, S3, extraction, Lucene) {documents.IndexedPerSecond:F0} docs/s; extraction + Lucene {documents.ExtractAndIndexPerSecond:F0} docs/s; raw Lucene {documents.RawLucenePerSecond:F0} docs/s (ratios {documents.IndexedPerSecond / documents.RawLucenePerSecond:F3}, {documents.ExtractAndIndexPerSecond / documents.RawLucenePerSecond:F3})"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  pipeline / (extraction + Lucene alone): {documents.IndexedPerSecond / documents.ExtractAndIndexPerSecond:F2} (target 0.5)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  server peak RSS while indexing: {documents.PeakRssMB} MB ({documents.IndexedPerSecond:F0} docx/s run), {documents.HostilePeakRssMB} MB for {documents.HostileFiles} hostile/odd files (target < 1024 MB)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  search with permission filter at {documents.SearchDocuments} documents: p50 {documents.SearchP50:F1} ms, p95 {documents.SearchP95:F1} ms"));
}

return 0;

static PhaseReporter Phase(string title) => new(title);

namespace Crm.Bench
{
    /// <summary>Prints a phase title, then a progress line every second, then the phase's figure.</summary>
    internal sealed class PhaseReporter : IDisposable
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public PhaseReporter(string title)
        {
            Console.WriteLine();
            Console.WriteLine($"== {title}");
            Progress = new Progress<string>(line => Console.WriteLine($"   {line}"));
        }

        public IProgress<string> Progress { get; }

        public void Dispose() => Console.WriteLine($"   phase took {_watch.Elapsed.TotalSeconds:F1} s");
    }
}
