using System.Diagnostics;
using System.Globalization;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record InboxFigures(int GroupTasks, int OtherTasks, double FirstPageP50, double FirstPageP95, double CountsP50, double CountsP95, double FilteredP95);

/// <summary>
/// Phase i: a group inbox with 10 000 open tasks (plus tasks of other groups around them). Measures the server
/// time of the inbox's first page (claimable, sorted by priority, 25 rows, with the total) and of the badge counts.
/// </summary>
internal static class InboxBench
{
    private const int GroupTasks = 10_000;
    private const int OtherTasks = 5_000;
    private const int Samples = 40;

    private const string Process = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="inbox-bench" name="Inbox bench" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <bpmn:userTask id="work" name="Handle request" crm:candidateGroups="${team}" crm:dueDate="${due}" crm:priority="${priority}"/>
            <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static async Task<InboxFigures> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var provider = await EngineHost.CreateAsync(options, "inbox.db");
        await EngineHost.DeployAsync(provider, Process);
        var starter = new CurrentUser(Guid.NewGuid(), "starter", new HashSet<string> { Roles.Staff }, new HashSet<string>());
        var created = 0;
        var total = GroupTasks + OtherTasks;
        var watch = Stopwatch.StartNew();
        using (var timer = new Timer(_ => progress.Report($"{Volatile.Read(ref created)} / {total} tasks created ({Volatile.Read(ref created) / Math.Max(0.1, watch.Elapsed.TotalSeconds):F0}/s)"), null, 1000, 1000))
        {
            await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = options.Clients }, async (i, ct) =>
            {
                await using var scope = provider.CreateAsyncScope();
                var runtime = scope.ServiceProvider.GetRequiredService<RuntimeService>();
                var variables = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>
                {
                    ["team"] = i < GroupTasks ? "back-office" : $"team-{i % 7}",
                    ["due"] = $"P{1 + (i % 20)}D",
                    ["priority"] = 10 + (i % 90),
                };
                await runtime.StartAsync(new StartInstanceRequest("inbox-bench", $"REQ-{i:D6}", variables), starter, ct);
                Interlocked.Increment(ref created);
            });
        }

        progress.Report($"{total} tasks created in {watch.Elapsed.TotalSeconds:F1} s; refreshing planner statistics as autovacuum would, then measuring");
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Crm.Platform.Persistence.CrmDbContext>();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, db.IsSqlite ? "ANALYZE;" : "ANALYZE user_tasks; ANALYZE task_candidates;");
        }

        var member = new CurrentUser(Guid.NewGuid(), "clerk", new HashSet<string> { Roles.Staff }, new HashSet<string> { "back-office", "other" });
        var firstPage = new TaskQuery(null, "me", null, null, null, null, "priority", null, 1, 25);
        var filtered = new TaskQuery(null, "me", "inbox-bench", null, null, null, "due", null, 1, 25, Search: "REQ-0099");
        var pages = await SampleAsync(provider, s => s.ListAsync(firstPage, member, CancellationToken.None), result => result.Total == GroupTasks);
        var counts = await SampleAsync(provider, s => s.CountsAsync(member, CancellationToken.None), result => result.Claimable == GroupTasks);
        var search = await SampleAsync(provider, s => s.ListAsync(filtered, member, CancellationToken.None), result => result.Total == 100);   // REQ-009900 … REQ-009999
        return new InboxFigures(GroupTasks, OtherTasks, Percentile(pages, 50), Percentile(pages, 95), Percentile(counts, 50), Percentile(counts, 95), Percentile(search, 95));
    }

    private static async Task<List<double>> SampleAsync<T>(ServiceProvider provider, Func<TaskService, Task<T>> query, Func<T, bool> check)
    {
        var times = new List<double>(Samples);
        for (var i = 0; i < Samples + 3; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<TaskService>();
            var started = Stopwatch.GetTimestamp();
            var result = await query(service);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!check(result))
            {
                throw new InvalidOperationException("The inbox returned something else than the benchmark set up.");
            }

            if (i >= 3)
            {
                times.Add(elapsed);   // the first calls warm up EF's query cache
            }
        }

        return times;
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static void Print(InboxFigures f)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Inbox ({f.GroupTasks} open tasks for one group, {f.OtherTasks} for other groups; target: first page < 1000 ms)"));
        var widest = Math.Max(f.FirstPageP95, Math.Max(f.CountsP95, f.FilteredP95));
        foreach (var (name, value) in new[] { ("first page p50", f.FirstPageP50), ("first page p95", f.FirstPageP95), ("badge counts p50", f.CountsP50), ("badge counts p95", f.CountsP95), ("search + filter p95", f.FilteredP95) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-20} {value,8:F1} ms  {new string('#', (int)Math.Round(40 * value / widest))}"));
        }
    }
}
