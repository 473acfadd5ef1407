using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Jobs;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record JobFigures(double OneProcess, double? TwoProcesses, double LagP50, double LagP99, int Timers, double LoadPerSecond);

/// <summary>
/// (j) The job executor: a backlog of async no-op service tasks drained by one process, then by two
/// processes on the same database; then timer lag (due → executed) while async work arrives steadily.
/// </summary>
internal static class AsyncJobs
{
    private const string AsyncProcess = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="bench">
          <bpmn:process id="bench-async" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="noop"/>
            <bpmn:serviceTask id="noop" crm:handler="crm.set-variables" crm:async="true"/>
            <bpmn:sequenceFlow id="f2" sourceRef="noop" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private const string TimerProcess = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="bench">
          <bpmn:process id="bench-timer" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>${due}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static async Task<JobFigures> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var provider = await EngineHost.CreateAsync(options, "jobs.db");
        await EngineHost.DeployAsync(provider, AsyncProcess);
        await EngineHost.DeployAsync(provider, TimerProcess);
        var backlog = options.Seconds * 600;

        progress.Report($"warm-up: {backlog / 10} instances, drained");
        await PreloadAsync(provider, backlog / 10, progress);
        await DrainAsync(provider, null, null);

        progress.Report($"one process: {backlog} async jobs waiting");
        await PreloadAsync(provider, backlog, progress);
        var one = await DrainAsync(provider, null, progress);
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"one process: {one:F0} jobs/s"));

        double? two = null;
        if (options.IsPostgres)
        {
            progress.Report($"two processes: {backlog} async jobs waiting");
            await PreloadAsync(provider, backlog, progress);
            using var worker = await Worker.StartAsync(options);
            two = await DrainAsync(provider, worker, progress);
            progress.Report(string.Create(CultureInfo.InvariantCulture, $"two processes: {two:F0} jobs/s"));
        }

        // Each arriving instance costs two commits (its start and its job). PostgreSQL runs them side by side;
        // SQLite has one writer, so the same share of its capacity is half the arrival rate.
        var (p50, p99, timers, load) = await TimerLagAsync(provider, options, one * (options.IsPostgres ? 0.7 : 0.35), progress);
        return new JobFigures(one, two, p50, p99, timers, load);
    }

    /// <summary>The second process: <c>Crm.Bench --worker ...</c> runs an executor until the job table is empty.</summary>
    public static async Task<int> WorkerMainAsync(BenchOptions options)
    {
        await using var provider = await EngineHost.CreateAsync(options, "jobs.db");
        var executor = provider.GetRequiredService<JobExecutor>();
        Console.WriteLine("ready");
        _ = Console.ReadLine();   // "go"
        var idle = 0;
        while (idle < 20)
        {
            idle = await executor.RunDueJobsAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
            if (idle > 0)
            {
                await Task.Delay(50);
            }
        }

        return 0;
    }

    private static async Task PreloadAsync(ServiceProvider provider, int count, IProgress<string> progress)
    {
        var next = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (_, ct) =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                await StartAsync(provider, "bench-async", null);
            }
        });
        progress.Report($"   {count} instances started, each waiting at its async task");
    }

    private static async Task StartAsync(ServiceProvider provider, string key, Dictionary<string, JsonNode?>? variables)
    {
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RuntimeService>().StartAsync(new StartInstanceRequest(key, null, variables), EngineHost.Owner, CancellationToken.None);
    }

    /// <summary>Runs the executor (and the worker process, if any) until no job is left; returns jobs per second.</summary>
    private static async Task<double> DrainAsync(ServiceProvider provider, Worker? worker, IProgress<string>? progress)
    {
        var total = await CountJobsAsync(provider);
        var executor = provider.GetRequiredService<JobExecutor>();
        var watch = Stopwatch.StartNew();
        worker?.Go();
        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            var last = total;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                var left = await CountJobsAsync(provider);
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds,4:F0} s  {left,7} left  {last - left,6}/s"));
                last = left;
            }
        });
        while (true)
        {
            if (await executor.RunDueJobsAsync(CancellationToken.None) == 0 && await CountJobsAsync(provider) == 0)
            {
                break;
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await reporter;
        if (worker is not null)
        {
            await worker.WaitAsync();
        }

        return total / seconds;
    }

    /// <summary>Timers due over 8 s while async instances arrive at a steady rate; lag = executed − due, from history.</summary>
    private static async Task<(double P50, double P99, int Timers, double LoadPerSecond)> TimerLagAsync(ServiceProvider provider, BenchOptions options, double rate, IProgress<string> progress)
    {
        const int timers = 1000;
        var executor = provider.GetRequiredService<JobExecutor>();
        using var running = new CancellationTokenSource();
        await executor.StartAsync(running.Token);
        var firstDue = DateTimeOffset.UtcNow.AddSeconds(3);
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"timer lag: {timers} timers due over 8 s, async load {rate:F0} instances/s"));
        var load = Task.Run(async () =>
        {
            var watch = Stopwatch.StartNew();
            long started = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (_, ct) =>
            {
                while (watch.Elapsed < TimeSpan.FromSeconds(12))
                {
                    if (Interlocked.Read(ref started) >= rate * watch.Elapsed.TotalSeconds)
                    {
                        await Task.Delay(2, ct);
                        continue;
                    }

                    Interlocked.Increment(ref started);
                    await StartAsync(provider, "bench-async", null);
                }
            });
            return started / watch.Elapsed.TotalSeconds;
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, timers), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, _) =>
        {
            var due = firstDue.AddMilliseconds(i * 8000.0 / timers).ToString("O", CultureInfo.InvariantCulture);
            await StartAsync(provider, "bench-timer", new Dictionary<string, JsonNode?> { ["due"] = due });
        });
        var loadPerSecond = await load;
        while (await CountJobsAsync(provider) > 0)
        {
            await Task.Delay(200);
        }

        await running.CancelAsync();
        await executor.StopAsync(CancellationToken.None);

        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var ids = db.ProcessInstances.Where(i => i.ProcessKey == "bench-timer").Select(i => i.Id);
        var batches = await db.HistoryBatches.AsNoTracking().Where(b => ids.Contains(b.InstanceId) && b.Events.Contains("TimerFired")).ToListAsync();
        var lags = batches.SelectMany(b => b.Read()).Where(e => e.Type == HistoryEventType.TimerFired)
            .Select(e => (e.At - e.Data!["due"]!.GetValue<DateTimeOffset>()).TotalMilliseconds).Order().ToList();
        if (lags.Count == 0)
        {
            throw new InvalidOperationException("no timer fired");
        }

        return (lags[(int)(lags.Count * 0.5)], lags[Math.Min(lags.Count - 1, (int)(lags.Count * 0.99))], lags.Count, loadPerSecond);
    }

    private static async Task<int> CountJobsAsync(ServiceProvider provider)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Jobs.CountAsync();
    }

    /// <summary>A second bench process running only a job executor against the same database.</summary>
    internal sealed class Worker : IDisposable
    {
        private readonly Process _process;

        private Worker(Process process) => _process = process;

        public static async Task<Worker> StartAsync(BenchOptions options)
        {
            var start = new ProcessStartInfo("dotnet", [typeof(Worker).Assembly.Location, "--worker", "--provider", options.Provider, "--db", options.Database, "--server", options.ServerDll])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            var process = Process.Start(start)!;
            var line = await process.StandardOutput.ReadLineAsync();
            return line == "ready" ? new Worker(process) : throw new InvalidOperationException($"the worker process said '{line}'");
        }

        public void Go() => _process.StandardInput.WriteLine("go");

        public Task WaitAsync() => _process.WaitForExitAsync();

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
