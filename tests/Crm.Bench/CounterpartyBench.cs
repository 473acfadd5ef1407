using System.Diagnostics;
using System.Globalization;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record CounterpartyFigures(int Counterparties, int Activities, double LoadSeconds, IReadOnlyList<(string Name, double P50, double P95, double Target)> Queries);

/// <summary>
/// Phase m (PostgreSQL): 1 000 000 counterparties and 5 000 000 activities, then the list's first page (filtered by
/// region and category, sorted by name) and name search (prefix, infix, with and without Polish diacritics).
/// </summary>
internal static class CounterpartyBench
{
    private const int Counterparties = 1_000_000;
    private const int ActivitiesPerCounterparty = 5;
    private const int Samples = 40;

    public static async Task<CounterpartyFigures?> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        if (!options.IsPostgres)
        {
            progress.Report("skipped on SQLite: the million-row figures are for PostgreSQL");
            return null;
        }

        await using var provider = await EngineHost.CreateAsync(options, "crm.db");
        var load = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            var loaded = await EnsureCounterpartiesAsync(db, progress);
            for (var part = 0; !loaded && part < ActivitiesPerCounterparty; part++)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO activities ("Id", "Type", "Direction", "At", "DurationMinutes", "Employee", "CounterpartyId", "Subject", "Status")
                    SELECT gen_random_uuid(), {part % 6}, 'out', now() - (random() * interval '365 days'), 15, "Owner", "Id", 'Rozmowa ' || {part}, 1 FROM counterparties
                    """);
                progress.Report($"{(part + 1) * Counterparties:N0} / {ActivitiesPerCounterparty * Counterparties:N0} activities");
            }

            // What autovacuum does within a minute of a bulk load: statistics, and the visibility map that lets the
            // staff list's walks stay index-only. Separate commands: VACUUM refuses to run inside a batch.
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE counterparties");
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE activities");
        }

        var loadSeconds = load.Elapsed.TotalSeconds;
        progress.Report($"loaded in {loadSeconds:F0} s; measuring");
        var staff = new CurrentUser(Guid.NewGuid(), "owner7", new HashSet<string> { Roles.Staff }, new HashSet<string> { "r3" });
        var manager = new CurrentUser(Guid.NewGuid(), "boss", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());
        var queries = new List<(string, double, double, double)>();
        async Task Measure(string name, double target, Func<CounterpartyService, Task<int>> query)
        {
            var times = new List<double>();
            for (var i = 0; i < Samples + 3; i++)
            {
                await using var scope = provider.CreateAsyncScope();
                var service = scope.ServiceProvider.GetRequiredService<CounterpartyService>();
                var t = Stopwatch.GetTimestamp();
                var count = await query(service);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (count == 0)
                {
                    throw new InvalidOperationException($"{name}: no rows; the benchmark data is not what the query expects.");
                }

                if (i >= 3)
                {
                    times.Add(ms);
                }
            }

            times.Sort();
            queries.Add((name, times[times.Count / 2], times[(int)Math.Ceiling(0.95 * times.Count) - 1], target));
            progress.Report($"{name}: p95 {times[(int)Math.Ceiling(0.95 * times.Count) - 1]:F1} ms");
        }

        await Measure("list: region + category, by name (staff)", 100, async s => (await s.ListAsync(null, "supplier", 1, 25, staff, default)).Items.Count);
        await Measure("list: all, by name (manager)", 100, async s => (await s.ListAsync(null, null, 1, 25, manager, default)).Items.Count);
        await Measure("list: next page by keyset", 100, async s =>
        {
            var first = await s.ListAsync(null, null, 1, 25, manager, default);
            return (await s.ListAsync(null, null, 1, 25, manager, default, after: first.Items[^1].Id)).Items.Count;
        });
        await Measure("search prefix 'elektropol'", 50, async s => (await s.ListAsync("elektropol", null, 1, 25, manager, default)).Items.Count);
        await Measure("search infix 'ropol lubuskie 00012'", 50, async s => (await s.ListAsync("ropol lubuskie 00012", null, 1, 25, manager, default)).Items.Count);
        await Measure("search with diacritics 'Łódzkie 000345'", 50, async s => (await s.ListAsync("Łódzkie 000345", null, 1, 25, manager, default)).Items.Count);
        await Measure("search by NIP prefix", 50, async s => (await s.ListAsync("0000079", null, 1, 25, manager, default)).Items.Count);
        await Measure("search infix as staff (region scope)", 50, async s => (await s.ListAsync("tech", null, 1, 25, staff, default)).Items.Count);
        // The largest list another order may sort (CounterpartyService.SortCap = 5 000 rows), on a calculated field: the last done contact per row.
        var byContact = new CounterpartyListOptions(null, null, "daysSinceLastContact", Descending: true);
        await Measure("5 000 matches by days since last contact", 100, async s => (await s.ListAsync("elektropol", null, 1, 25, manager, default, null, byContact)).Items.Count);
        return new CounterpartyFigures(Counterparties, Counterparties * ActivitiesPerCounterparty, loadSeconds, queries);
    }

    /// <summary>
    /// The million counterparties of phases m and s, inserted by PostgreSQL itself (a second run reuses them); true when
    /// they were there already.
    /// </summary>
    public static async Task<bool> EnsureCounterpartiesAsync(CrmDbContext db, IProgress<string> progress)
    {
        const int chunk = 100_000;
        // A second run against the same database measures again without loading 6 million rows a second time.
        var loaded = await db.Counterparties.CountAsync(c => c.CreatedBy == "bench") == Counterparties;
        if (loaded)
        {
            progress.Report($"{Counterparties:N0} counterparties already loaded; reusing them");
        }

        for (var start = 0; !loaded && start < Counterparties; start += chunk)
        {
            // Names like "Elektropol Śląskie 0123457 sp. z o.o.": stems, a region word with diacritics, a number, a legal form.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO counterparties ("Id", "Kind", "Name", "SearchName", "Archived", "Categories", "Region", "Owner", "CreatedBy", "CreatedAt", "Revision", "Nip")
                SELECT gen_random_uuid(), 0, n, lower(translate(n, 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż', 'ACELNOSZZacelnoszz')), false,
                       (ARRAY['customer','supplier','prospect','partner'])[1 + i % 4], 'r' || (i % 10), 'owner' || (i % 50), 'bench', now(), 0, lpad((i::bigint * 7919 % 9999999967)::text, 10, '0')
                FROM (SELECT i, (ARRAY['Bud','Tech','Agro','Trans','Med','Eko','Inter','Poli','Euro','Nord','Hydro','Elektro','Mebl','Drew','Stal','Farm','Logi','Print','Soft','Term'])[1 + i % 20]
                          || (ARRAY['ex','pol','mar','bud','tech','serwis','system','trans','plast','met'])[1 + (i / 20) % 10]
                          || ' ' || (ARRAY['Śląskie','Łódzkie','Pomorskie','Mazowieckie','Małopolskie','Wielkopolskie','Lubuskie','Podkarpackie'])[1 + (i / 200) % 8]
                          || ' ' || lpad(i::text, 7, '0') || ' ' || (ARRAY['sp. z o.o.','S.A.','sp.j.','sp.k.'])[1 + (i / 7) % 4] AS n
                      FROM generate_series({start}, {start + chunk - 1}) AS i) AS s
                """);
            progress.Report($"{start + chunk:N0} / {Counterparties:N0} counterparties");
        }

        return loaded;
    }

    public static void Print(CounterpartyFigures f)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CRM lists ({f.Counterparties:N0} counterparties, {f.Activities:N0} activities, loaded in {f.LoadSeconds:F0} s)"));
        foreach (var (name, p50, p95, target) in f.Queries)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-42} p50 {p50,7:F1} ms  p95 {p95,7:F1} ms  (target {target:F0})  {new string('#', (int)Math.Round(Math.Min(40, 40 * p95 / target)))}"));
        }
    }
}
