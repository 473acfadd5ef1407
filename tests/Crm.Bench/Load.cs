using System.Diagnostics;

namespace Crm.Bench;

/// <summary>Runs an operation in a closed loop on N clients: a short warm-up, then a timed run with progress.</summary>
internal static class Load
{
    public static async Task<double> RunAsync(BenchOptions options, Func<int, Task> operation, IProgress<string> progress)
    {
        // Warm-up: connection pools, caches, and the JIT's tiering (hot code reaches its optimised tier
        // after a few seconds; measuring before that would time unoptimised code).
        progress.Report("warming up for 5 s");
        await RunForAsync(options.Clients, TimeSpan.FromSeconds(5), operation, null);
        var count = await RunForAsync(options.Clients, TimeSpan.FromSeconds(options.Seconds), operation, progress);
        return count / (double)options.Seconds;
    }

    private static async Task<long> RunForAsync(int clients, TimeSpan duration, Func<int, Task> operation, IProgress<string>? progress)
    {
        long done = 0;
        var watch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        var reporter = progress is null ? Task.CompletedTask : Task.Run(async () =>
        {
            var last = 0L;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(1000, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var now = Interlocked.Read(ref done);
                progress.Report($"{watch.Elapsed.TotalSeconds,4:F0} s  {now,8} done  {now - last,6}/s");
                last = now;
            }
        });
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await operation(client);
                Interlocked.Increment(ref done);
            }
        })).ToList();
        await Task.WhenAll(workers);
        await reporter;
        return Interlocked.Read(ref done);
    }
}
