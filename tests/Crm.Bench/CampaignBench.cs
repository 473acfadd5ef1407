using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Modules.Counterparties;
using Crm.Modules.Mail;
using Crm.Modules.Marketing.Campaigns;
using Crm.Modules.Marketing.Mailings;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Crm.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

internal sealed record CampaignFigures(int Members, double FanOutSeconds, int Messages, double MessagesPerSecond);

/// <summary>
/// (g) campaigns: the launch of a campaign of 10 000 members (the approval step that starts one member process each,
/// in one commit; target &lt; 10 s) and an unthrottled mailing to the real SMTP server (target ≥ 100 messages/s).
/// </summary>
internal static class CampaignBench
{
    private static readonly CurrentUser Owner = new(Guid.NewGuid(), "bench-marketer", new HashSet<string> { Roles.Staff }, new HashSet<string>());
    private static readonly CurrentUser Approver = new(Guid.NewGuid(), "bench-approver", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());

    public static async Task<CampaignFigures> RunAsync(BenchOptions options, int members, int messages, IProgress<string> progress)
    {
        var (host, smtpPort, _) = options.Mail!.Value;
        await using var provider = await EngineHost.CreateAsync(options, "campaign.db", settings: new Dictionary<string, string?> { ["Crm:Marketing:Worker"] = "false" }, configure: services =>
        {
            services.AddCrmWorkflows();
            services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
            services.AddScoped<UserDirectory>();
            services.AddSingleton<TokenCache>();
        });
        await WorkflowSetup.DeployBuiltInProcessesAsync(provider);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        Guid account;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            foreach (var (user, role) in new[] { (Owner, Roles.Staff), (Approver, Roles.ProcessOwner) })
            {
                var row = new User { Id = user.Id, UserName = user.UserName, NormalizedUserName = user.UserName.ToUpperInvariant(), DisplayName = user.UserName, PasswordHash = "-" };
                db.Users.Add(row);
                db.UserRoles.Add(new UserRole { UserId = row.Id, Role = role });
            }

            for (var c = 0; c < members / 100; c++)
            {
                var company = new Counterparty { Name = $"Kampania {suffix} {c}", SearchName = $"kampania {suffix} {c}", CreatedBy = Owner.UserName, Owner = Owner.UserName, CreatedAt = DateTimeOffset.UtcNow };
                db.Counterparties.Add(company);
                for (var p = 0; p < 100; p++)
                {
                    db.Persons.Add(new ContactPerson
                    {
                        CounterpartyId = company.Id, FirstName = $"P{(c * 100) + p}", LastName = "Bench", Email = $"bench-{suffix}+{(c * 100) + p}@test.local", MarketingConsent = true,
                        ConsentSource = "bench", ConsentAt = DateTimeOffset.UtcNow, CreatedBy = Owner.UserName, CreatedAt = DateTimeOffset.UtcNow,
                    });
                }
            }

            await db.SaveChangesAsync();
            var mailbox = $"bench-sender-{suffix}@test.local";
            account = (await scope.ServiceProvider.GetRequiredService<MailAccounts>().CreateAsync(new MailAccountInput($"Bench {suffix}", mailbox, null, Owner.UserName, null, null, 143, "None",
                host, smtpPort, "None", mailbox, "pass", "INBOX", null, false), new CurrentUser(Guid.NewGuid(), "root", new HashSet<string> { Roles.Admin }, new HashSet<string>()), CancellationToken.None)).Id;
        }

        Guid campaign;
        await using (var scope = provider.CreateAsyncScope())
        {
            campaign = (await scope.ServiceProvider.GetRequiredService<CampaignBook>().CreateAsync(new CampaignInput($"Bench {suffix}", null, "mailing", 1000, "PLN", null, null, null, null, 14), Owner, default)).Id;
            var added = await scope.ServiceProvider.GetRequiredService<CampaignMembers>().AddFromQueryAsync(campaign, new TargetQuery(suffix, null, [], Persons: true), Owner, default);
            progress.Report($"{added.Added} members on the target list; starting the campaign");
            await scope.ServiceProvider.GetRequiredService<CampaignLifecycle>().StartAsync(campaign, new StartCampaignInput(Approver.UserName), Owner, default);
        }

        // The approval's completion launches the campaign: every member's process starts in that commit.
        var watch = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var approval = await db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == "campaign-actions");
            await scope.ServiceProvider.GetRequiredService<CompleteTask>().RunAsync(approval.Id, new Dictionary<string, JsonNode?> { ["approved"] = "yes" }, Approver, default);
        }

        var fanOut = watch.Elapsed.TotalSeconds;
        int started;
        await using (var scope = provider.CreateAsyncScope())
        {
            started = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().ProcessInstances.CountAsync(i => i.ProcessKey == "campaign-member");
        }

        progress.Report(string.Create(CultureInfo.InvariantCulture, $"launch: {started} member processes started in {fanOut:F1} s"));

        // An unthrottled mailing to the first members: the sender's passes, one after another, until all went out.
        Guid mailing;
        await using (var scope = provider.CreateAsyncScope())
        {
            var book = scope.ServiceProvider.GetRequiredService<MailingBook>();
            mailing = (await book.CreateAsync(campaign, new MailingInput("Bench", account, "Nr {{person.firstName}}", "Dzień dobry {{person.firstName}}", 0, false), Owner, default)).Id;
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            // Only the first members are recipients: the rest are opted out for this mailing's list.
            var keep = await db.CampaignMembers.Where(m => m.CampaignId == campaign).OrderBy(m => m.Id).Select(m => m.Id).Take(messages).ToListAsync();
            await db.CampaignMembers.Where(m => m.CampaignId == campaign && !keep.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MemberState.OptedOut));
            await book.StartAsync(mailing, Owner, default);
        }

        watch.Restart();
        var sent = 0;
        while (sent < messages && watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var scope = provider.CreateAsyncScope();
            sent += await scope.ServiceProvider.GetRequiredService<MailingSender>().SendDueAsync(default);
        }

        var rate = sent / watch.Elapsed.TotalSeconds;
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"mailing: {sent} messages at {rate:F0} messages/s"));
        return new CampaignFigures(started, fanOut, sent, rate);
    }

    public static void Print(CampaignFigures f)
    {
        Console.WriteLine();
        Console.WriteLine("Campaigns (real SMTP server)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  launch of {f.Members} member processes in one commit: {f.FanOutSeconds:F1} s (target < 10 s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unthrottled mailing: {f.Messages} messages at {f.MessagesPerSecond:F0} messages/s (target >= 100)"));
    }
}
