using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crm.Bench;

internal sealed record LoadLevel(int Clients, double PerSecond, long Errors, double P50, double P99, double Max, IReadOnlyList<string> FirstErrors);

/// <summary>
/// (l) Phase b's round trip (start an instance that waits at a user task, complete the task) at 4, 16 and 64
/// clients against one server: every failed or slow call is counted (non-2xx, exception, or no answer in 30 s),
/// with p50/p99/max latency per level. Targets: no errors, p99 under 1 s, on SQLite as on PostgreSQL.
/// </summary>
internal static class LoadLevels
{
    private static readonly int[] Levels = [4, 16, 64];

    public static async Task<List<LoadLevel>> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var server = await BenchServer.StartAsync(options, "load.db");
        var http = server.Http;
        (await http.PostAsync("/api/process-definitions", new StringContent(HttpRoundTrips.ProcessXml, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();
        var counter = 0;
        var results = new List<LoadLevel>();
        foreach (var clients in Levels)
        {
            progress.Report($"{clients} clients: warming up for 3 s");
            await RunLevelAsync(http, clients, TimeSpan.FromSeconds(3), () => Interlocked.Increment(ref counter), null);
            var level = await RunLevelAsync(http, clients, TimeSpan.FromSeconds(options.Seconds), () => Interlocked.Increment(ref counter), progress);
            progress.Report(string.Create(CultureInfo.InvariantCulture,
                $"{clients} clients: {level.PerSecond:F0} round trips/s, {level.Errors} errors, p50 {level.P50:F0} ms, p99 {level.P99:F0} ms, max {level.Max:F0} ms"));
            results.Add(level);
        }

        return results;
    }

    private static async Task<LoadLevel> RunLevelAsync(HttpClient http, int clients, TimeSpan duration, Func<int> next, IProgress<string>? progress)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        long done = 0, failed = 0;
        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await RoundTripAsync(http, "L-" + next().ToString(CultureInfo.InvariantCulture), timeout.Token);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref done);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException or JsonException)
                {
                    Interlocked.Increment(ref failed);
                    if (errors.Count < 5)
                    {
                        errors.Enqueue(ex is OperationCanceledException ? "no answer within 30 s" : ex.Message);
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        var sorted = latencies.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new LoadLevel(clients, done / watch.Elapsed.TotalSeconds, failed, At(0.5), At(0.99), sorted.Length == 0 ? 0 : sorted[^1], [.. errors.Distinct()]);
    }

    private static async Task RoundTripAsync(HttpClient http, string key, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/process-instances", new { processKey = "bench-task", businessKey = key }, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var taskId = started.GetProperty("openTasks")[0].GetProperty("id").GetString();
        using var completed = await http.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { done = true } }, cancellationToken);
        await EnsureAsync(completed, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
        }
    }

    public static void Print(IReadOnlyList<LoadLevel> levels)
    {
        Console.WriteLine("  l) load (phase b's round trip)   clients   trips/s   errors   p50 ms   p99 ms   max ms   p99 against 1 s");
        foreach (var level in levels)
        {
            var bar = new string('#', (int)Math.Round(30 * Math.Min(1.0, level.P99 / 1000)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"                                   {level.Clients,7} {level.PerSecond,9:F0} {level.Errors,8} {level.P50,8:F0} {level.P99,8:F0} {level.Max,8:F0}   {bar}"));
            foreach (var error in level.FirstErrors)
            {
                Console.WriteLine($"                                     error: {error}");
            }
        }
    }
}
