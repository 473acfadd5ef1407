using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Engine.Tests.Notifications;

/// <summary>
/// Task mail through a real SMTP server, read back over IMAP: assignment, reminder before the due date,
/// escalation to the manager after it, delegation and hand-back, and the daily digest instead of single mails.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string Process = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="mailed" name="Mailed approval" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
            <bpmn:userTask id="approve" name="Approve the offer" crm:assignee="${who}" crm:dueDate="P2D"/>
            <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private EngineHarness _engine = null!;

    public async ValueTask InitializeAsync()
    {
        var host = Crm.Tests.TestEnvironment.SmtpHost;
        _engine = await EngineHarness.CreateAsync(DatabaseProvider.Sqlite, services =>
        {
            services.AddCrmNotifications();
            services.Configure<NotificationOptions>(o =>
            {
                o.SmtpHost = host;
                o.SmtpPort = Crm.Tests.TestEnvironment.SmtpPort;
                o.Security = "None";
                o.BaseUrl = "http://crm.test/";
                o.ReminderBefore = TimeSpan.FromHours(24);
                o.DigestHour = 6;
            });
        });
        await _engine.DeployXmlAsync(Process);
    }

    public async ValueTask DisposeAsync() => await _engine.DisposeAsync();

    private string Address(string who) => $"{who}-{_suffix}@test.local";

    private async Task<Guid> UserAsync(string name, bool digest = false, string? manager = null)
    {
        var created = await _engine.RunAsync<UserDirectory, UserView>(d => d.CreateUserAsync(new NewUser($"{name}-{_suffix}", name, Address(name), "Password-123", [Roles.Staff])));
        await _engine.RunAsync<CrmDbContext>(async db =>
        {
            var managerId = manager is null ? (Guid?)null : await db.Users.Where(u => u.UserName == $"{manager}-{_suffix}").Select(u => u.Id).SingleAsync();
            await db.Users.Where(u => u.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DailyDigest, digest).SetProperty(u => u.ManagerId, managerId));
        });
        return created.Id;
    }

    private Task<int> RunAsync() => _engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(CancellationToken.None));

    private async Task<List<string>> SubjectsAsync(string who)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(Crm.Tests.TestEnvironment.RequireMail(), Crm.Tests.TestEnvironment.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(Address(who), Crm.Tests.TestEnvironment.MailPassword);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var subjects = new List<string>();
        if (imap.Inbox.Count > 0)
        {
            foreach (var summary in await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope))
            {
                subjects.Add(summary.Envelope?.Subject ?? "");
            }
        }

        await imap.DisconnectAsync(true);
        return subjects;
    }

    [Fact]
    public async Task Assignment_Reminder_Escalation_Delegation_AreMailedOnce()
    {
        Crm.Tests.TestEnvironment.RequireMail();
        await UserAsync("boss");
        await UserAsync("anna", manager: "boss");
        await UserAsync("helper");
        var started = await _engine.StartAsync("mailed", new { who = $"anna-{_suffix}" }, businessKey: "OF-1");
        var task = await _engine.TaskAtAsync(started.Id, "approve");

        Assert.Equal(1, await RunAsync());                       // assignment
        Assert.Equal(0, await RunAsync());                       // nothing twice
        _engine.Clock.Advance(TimeSpan.FromHours(30));           // 18 h before due: inside the 24 h reminder window
        Assert.Equal(1, await RunAsync());
        _engine.Clock.Advance(TimeSpan.FromHours(20));           // 2 h overdue
        Assert.Equal(1, await RunAsync());                       // escalation to anna's manager
        Assert.Equal(0, await RunAsync());

        var anna = EngineHarness.User($"anna-{_suffix}");
        await _engine.RunAsync<TaskService, TaskView>(s => s.DelegateAsync(task.Id, $"helper-{_suffix}", anna, CancellationToken.None));
        Assert.Equal(1, await RunAsync());
        var helper = EngineHarness.User($"helper-{_suffix}");
        await _engine.RunAsync<TaskService, TaskView>(s => s.ResolveAsync(task.Id, null, helper, CancellationToken.None));
        Assert.Equal(1, await RunAsync());

        var annaMail = await SubjectsAsync("anna");
        Assert.Contains(annaMail, s => s == "New task: Approve the offer");
        Assert.Contains(annaMail, s => s.StartsWith("Reminder: Approve the offer (due ", StringComparison.Ordinal));
        Assert.Contains(annaMail, s => s == "Delegated task came back: Approve the offer");
        Assert.Equal(3, annaMail.Count);
        Assert.Equal(["Overdue task needs attention: Approve the offer"], await SubjectsAsync("boss"));
        Assert.Equal(["Task delegated to you: Approve the offer"], await SubjectsAsync("helper"));
    }

    [Fact]
    public async Task DigestReaders_GetOneMailADay_AndMailOffMeansNone()
    {
        Crm.Tests.TestEnvironment.RequireMail();
        await UserAsync("digest", digest: true);
        var quietId = await UserAsync("quiet");
        await _engine.RunAsync<CrmDbContext>(db => db.Users.Where(u => u.Id == quietId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailNotifications, false)));
        await _engine.StartAsync("mailed", new { who = $"digest-{_suffix}" }, businessKey: "D-1");
        await _engine.StartAsync("mailed", new { who = $"digest-{_suffix}" }, businessKey: "D-2");
        await _engine.StartAsync("mailed", new { who = $"quiet-{_suffix}" }, businessKey: "Q-1");

        Assert.Equal(0, await RunAsync());                       // 08:00: kept for the digest; quiet gets nothing
        _engine.Clock.Advance(TimeSpan.FromHours(22));           // 06:00 next day: digest time
        Assert.Equal(1, await RunAsync());
        Assert.Equal(0, await RunAsync());

        Assert.Equal(["Your daily task digest (2)"], await SubjectsAsync("digest"));
        Assert.Empty(await SubjectsAsync("quiet"));
    }
}
