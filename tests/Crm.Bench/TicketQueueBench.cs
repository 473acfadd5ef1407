using System.Diagnostics;
using System.Globalization;
using Crm.Modules.Service;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record TicketQueueFigures(int OpenTickets, int OtherTickets, double FirstPageP50, double FirstPageP95, double BreachedP95, double PageTenP95);

/// <summary>
/// Phase t: the service desk queue of one group with 100 000 open tickets (plus 20 000 of other groups and closed
/// ones). Measures the server time of the queue's first page (sorted by time to breach, 25 rows, with the total), of
/// the breached-only filter, and of page 10. Target: first page p95 &lt; 200 ms.
/// </summary>
internal static class TicketQueueBench
{
    private const int OpenTickets = 100_000;
    private const int OtherTickets = 20_000;
    private const int Samples = 40;

    public static async Task<TicketQueueFigures> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var provider = await EngineHost.CreateAsync(options, "tickets.db");
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var total = OpenTickets + OtherTickets;
        for (var start = 0; start < total; start += 5_000)
        {
            // Rows straight into the table: the phase measures reading the queue, not registering (phase b covers steps).
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(total, start + 5_000); i++)
            {
                var open = i < OpenTickets || i % 2 == 0;
                var due = now.AddMinutes((i * 37 % 20_000) - 2_000);
                db.Tickets.Add(new Ticket
                {
                    Number = $"SRV/2026/{i:D6}", Year = 2026, Sequence = i, Subject = $"Zgłoszenie {i}", Classification = (i % 5) switch { 0 => "hardware", 1 => "software", _ => "other" },
                    CustomerTier = "C", Group = i < OpenTickets ? "service" : $"team-{i % 5}", RegisteredBy = "bench", CreatedAt = now.AddMinutes(-i),
                    Stage = open ? TicketStage.InProgress : TicketStage.Closed, IsOpen = open, Score = 5 + (i % 20), Impact = 2, Urgency = 2,
                    ReactionTargetMinutes = 60, ResolutionTargetMinutes = 480, ReactionDueAt = due, FirstResponseAt = now.AddMinutes(-i), ClockRunningSince = now.AddMinutes(-i),
                    ResolutionDueAt = due, QueueAt = i % 50 == 0 ? Ticket.Paused : due, ResolutionBreached = due < now,
                });
            }

            await db.SaveChangesAsync();
            progress.Report($"{Math.Min(total, start + 5_000)} / {total} tickets ({watch.Elapsed.TotalSeconds:F0} s)");
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            await db.Database.ExecuteSqlRawAsync(db.IsSqlite ? "ANALYZE;" : "VACUUM ANALYZE tickets;");
        }

        var member = new CurrentUser(Guid.NewGuid(), "clerk", new HashSet<string> { Roles.Staff }, new HashSet<string> { "service" });
        var first = await SampleAsync(provider, s => s.ListAsync(new TicketQuery("service"), member, CancellationToken.None), r => r.Total == OpenTickets);
        var breached = await SampleAsync(provider, s => s.ListAsync(new TicketQuery("service", Breached: true), member, CancellationToken.None), r => r.Total > 0);
        var tenth = await SampleAsync(provider, s => s.ListAsync(new TicketQuery("service", Page: 10), member, CancellationToken.None), r => r.Items.Count == 25);
        return new TicketQueueFigures(OpenTickets, OtherTickets, Percentile(first, 50), Percentile(first, 95), Percentile(breached, 95), Percentile(tenth, 95));
    }

    private static async Task<List<double>> SampleAsync(ServiceProvider provider, Func<TicketBook, Task<PagedList<TicketListItem>>> query, Func<PagedList<TicketListItem>, bool> check)
    {
        var times = new List<double>(Samples);
        for (var i = 0; i < Samples + 3; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var book = scope.ServiceProvider.GetRequiredService<TicketBook>();
            var started = Stopwatch.GetTimestamp();
            var result = await query(book);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!check(result))
            {
                throw new InvalidOperationException("The queue returned something else than the benchmark set up.");
            }

            if (i >= 3)
            {
                times.Add(elapsed);
            }
        }

        return times;
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static void Print(TicketQueueFigures f)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Service desk queue ({f.OpenTickets} open tickets in one group, {f.OtherTickets} others; target: first page p95 < 200 ms)"));
        var widest = Math.Max(f.FirstPageP95, Math.Max(f.BreachedP95, f.PageTenP95));
        foreach (var (name, value) in new[] { ("first page p50", f.FirstPageP50), ("first page p95", f.FirstPageP95), ("breached only p95", f.BreachedP95), ("page 10 p95", f.PageTenP95) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-20} {value,8:F1} ms  {new string('#', (int)Math.Round(40 * value / widest))}"));
        }
    }
}
