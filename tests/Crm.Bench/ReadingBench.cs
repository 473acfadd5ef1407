using Crm.Platform.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Identity;
using Crm.Modules.Knowledge;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Crm.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record ReadingFigures(int Readers, double StartSeconds, int Confirmed, double ConfirmP50, double ConfirmP95, double ViewP50, double ViewP95);

/// <summary>
/// Phase k: a mandatory reading for 10 000 users (audience resolved, one task each through kb-mandatory-reading),
/// then confirmations, then the compliance view for that assignment (summary list, reader list, progress series).
/// </summary>
internal static class ReadingBench
{
    private const int Readers = 10_000;
    private const int Confirmations = 300;
    private const int ViewSamples = 20;

    public static async Task<ReadingFigures> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var provider = await EngineHost.CreateAsync(options, "reading.db", configure: services =>
        {
            services.AddCrmWorkflows();
            services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
            services.AddScoped<UserDirectory>();
            services.AddSingleton<TokenCache>();
        });
        await WorkflowSetup.DeployBuiltInProcessesAsync(provider);
        var compliance = new CurrentUser(Guid.NewGuid(), "bench-compliance", new HashSet<string> { Roles.Compliance, Roles.ProcessOwner }, new HashSet<string>());

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var group = new Group { Name = "everyone-bench", DisplayName = "Everyone" };
            db.Groups.Add(group);
            for (var i = 0; i < Readers; i++)
            {
                var user = new User { UserName = $"reader-{i:D5}", NormalizedUserName = $"READER-{i:D5}", DisplayName = $"Reader {i}", PasswordHash = "-" };
                db.Users.Add(user);
                db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = user.Id });
            }

            await db.SaveChangesAsync();
        }

        progress.Report($"{Readers} users in one group; publishing an article");
        Guid articleId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var articles = scope.ServiceProvider.GetRequiredService<ArticleService>();
            articleId = (await articles.CreateAsync(new CreateArticleRequest("Code of conduct", "# Code of conduct\n\nBe fair.", "HR", null, null), compliance, default)).Id;
            await scope.ServiceProvider.GetRequiredService<PublishArticle>().SubmitAsync(articleId, compliance, default);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var review = await db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess);
            var tasks = scope.ServiceProvider.GetRequiredService<CompleteTask>();
            await tasks.RunAsync(review.Id, new Dictionary<string, JsonNode?> { ["decision"] = "publish" }, new CurrentUser(Guid.NewGuid(), "root", new HashSet<string> { Roles.Admin }, new HashSet<string>()), default);
        }

        progress.Report("starting the mandatory reading for the whole group");
        var started = Stopwatch.StartNew();
        AssignmentCreated assignment;
        await using (var scope = provider.CreateAsyncScope())
        {
            assignment = await scope.ServiceProvider.GetRequiredService<ReadingService>().CreateAsync(
                new CreateAssignmentRequest(articleId, null, null, ["everyone-bench"], DateTimeOffset.UtcNow.AddDays(14)), compliance, default);
        }

        var startSeconds = started.Elapsed.TotalSeconds;
        progress.Report($"{assignment.Readers} readers, one task each, in {startSeconds:F1} s; confirming {Confirmations}");

        var confirmTimes = new List<double>();
        var access = new AccessContext("10.0.0.1", "bench");
        for (var i = 0; i < Confirmations; i++)
        {
            var reader = new CurrentUser(Guid.NewGuid(), $"reader-{i * (Readers / Confirmations):D5}", new HashSet<string> { Roles.Staff }, new HashSet<string> { "everyone-bench" });
            await using var scope = provider.CreateAsyncScope();
            var readings = scope.ServiceProvider.GetRequiredService<ReadingService>();
            var t = Stopwatch.GetTimestamp();
            await readings.OpenAsync(articleId, reader, access, default);
            await readings.ConfirmAsync(articleId, reader, access, default);
            confirmTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if ((i + 1) % 50 == 0)
            {
                progress.Report($"{i + 1} / {Confirmations} confirmed (open + confirm + task completion), median {Percentile(confirmTimes, 50):F0} ms");
            }
        }

        var viewTimes = new List<double>();
        for (var i = 0; i < ViewSamples + 2; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var view = scope.ServiceProvider.GetRequiredService<ComplianceService>();
            var t = Stopwatch.GetTimestamp();
            var summaries = await view.AssignmentsAsync(compliance, default);
            var (_, rows) = await view.ReadersAsync(assignment.Id, new ReaderFilter(), compliance, default);
            var series = await view.ProgressAsync(assignment.Id, compliance, default);
            var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (rows.Count != Readers || rows.Count(r => r.Status == "confirmed") != Confirmations || summaries.Single().Confirmed != Confirmations || series.Count == 0)
            {
                throw new InvalidOperationException("The compliance view does not show what the benchmark did.");
            }

            if (i >= 2)
            {
                viewTimes.Add(elapsed);
            }
        }

        return new ReadingFigures(assignment.Readers, startSeconds, Confirmations, Percentile(confirmTimes, 50), Percentile(confirmTimes, 95), Percentile(viewTimes, 50), Percentile(viewTimes, 95));
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static void Print(ReadingFigures f)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mandatory reading ({f.Readers} readers; targets: start < 10 s, compliance view < 1000 ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  start (audience, requirements, {f.Readers} tasks)  {f.StartSeconds,8:F2} s   {new string('#', (int)Math.Round(Math.Min(40, 4 * f.StartSeconds)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  open + confirm p50 / p95            {f.ConfirmP50,8:F1} / {f.ConfirmP95:F1} ms ({f.Confirmed} readers)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  compliance view p50 / p95           {f.ViewP50,8:F1} / {f.ViewP95:F1} ms (summary + {f.Readers} reader rows + progress series)"));
    }
}
