using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Engine.Tests.Notifications;

/// <summary>
/// The bell on SQLite and PostgreSQL: one row per event and recipient, raised by the same outbox call as the mail,
/// never for anyone else; read one, read all; mentions in notes; escalation of an overdue delegated task.
/// </summary>
public abstract class InAppNotificationTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private const string Process = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="belled" name="Belled approval" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
            <bpmn:userTask id="approve" name="Approve the offer" crm:assignee="${who}" crm:dueDate="PT2H"/>
            <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="check"/>
            <bpmn:userTask id="check" name="Check the invoice" crm:candidateGroups="office"/>
            <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    // The harness's users: anna and marek in sales, jan in office, boss.
    private static CurrentUser Anna => EngineHarness.User("anna", "sales");
    private static CurrentUser Marek => EngineHarness.User("marek", "sales");
    private static CurrentUser Jan => EngineHarness.User("jan", "office");
    private static CurrentUser Boss => EngineHarness.User("boss");

    private async Task SetUpAsync()
    {
        RequireDatabase();
        await Engine.RunAsync<CrmDbContext, int>(db => db.Users.Where(u => u.UserName == "anna").ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Anna Nowak")));
        await Engine.RunAsync<CrmDbContext, int>(db => db.Users.Where(u => u.UserName == "jan").ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Jan Kowalski")));
        await Engine.DeployXmlAsync(Process);
    }

    private Task<PagedList<NotificationView>> BellAsync(CurrentUser user) =>
        Engine.RunAsync<NotificationFeed, PagedList<NotificationView>>(f => f.ListAsync(user, false, 1, 50, default));

    private Task<int> UnreadAsync(CurrentUser user) => Engine.RunAsync<NotificationFeed, int>(f => f.UnreadCountAsync(user, default));

    [Fact]
    public async Task TaskEvents_RingTheBellOnceForWhomTheyConcern_AndNobodyElse()
    {
        await SetUpAsync();
        var started = await Engine.StartAsync("belled", new { who = "anna" });
        var approve = await Engine.TaskAtAsync(started.Id, "approve");

        var annas = Assert.Single((await BellAsync(Anna)).Items);
        Assert.Equal((NotificationKind.TaskCreated, "Approve the offer", $"tasks/{approve.Id}", false), (annas.Kind, annas.Subject, annas.Link, annas.Read));
        Assert.Empty((await BellAsync(Marek)).Items);
        // The mail row and the bell row come from the one outbox call.
        var mailRows = await Engine.RunAsync<CrmDbContext, int>(db => db.Notifications.CountAsync(n => n.TaskId == approve.Id && n.Kind == NotificationKind.TaskCreated));
        Assert.Equal(1, mailRows);

        // A group task: the group's member once, nobody else.
        await Engine.CompleteAsync(approve, user: Anna);
        Assert.Single((await BellAsync(Jan)).Items);
        Assert.Empty((await BellAsync(Marek)).Items);
        Assert.Single((await BellAsync(Anna)).Items);

        // Delegation tells the delegate.
        var check = await Engine.TaskAtAsync(started.Id, "check");
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(check.Id, Jan, default));
        await Engine.RunAsync<TaskService, TaskView>(s => s.DelegateAsync(check.Id, "boss", Jan, default));
        var boss = Assert.Single((await BellAsync(Boss)).Items);
        Assert.Equal(NotificationKind.TaskDelegated, boss.Kind);
    }

    [Fact]
    public async Task MarkRead_OnlyTheOwnersRow_AndMarkAllLeavesOthersAlone()
    {
        await SetUpAsync();
        var started = await Engine.StartAsync("belled", new { who = "anna" });
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "approve"), user: Anna);
        await Engine.StartAsync("belled", new { who = "anna" });
        Assert.Equal(2, await UnreadAsync(Anna));
        var first = (await BellAsync(Anna)).Items[0];

        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<NotificationFeed>(f => f.MarkReadAsync(first.Id, Marek, default)));
        Assert.Equal(2, await UnreadAsync(Anna));
        await Engine.RunAsync<NotificationFeed>(f => f.MarkReadAsync(first.Id, Anna, default));
        Assert.Equal(1, await UnreadAsync(Anna));
        Assert.True((await BellAsync(Anna)).Items.Single(n => n.Id == first.Id).Read);

        Assert.Equal(1, await UnreadAsync(Jan));
        await Engine.RunAsync<NotificationFeed, int>(f => f.MarkAllReadAsync(Anna, default));
        Assert.Equal(0, await UnreadAsync(Anna));
        Assert.Equal(1, await UnreadAsync(Jan));

        // Read rows are pruned after the retention period; unread ones stay.
        await Engine.AdvanceAsync(TimeSpan.FromDays(31));
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(default));
        Assert.Empty((await BellAsync(Anna)).Items);
        Assert.Equal(1, await UnreadAsync(Jan));
    }

    [Fact]
    public async Task OverdueDelegatedTask_TellsTheDelegatorOnce_WithoutAMailServer()
    {
        await SetUpAsync();
        var started = await Engine.StartAsync("belled", new { who = "anna" });
        var approve = await Engine.TaskAtAsync(started.Id, "approve");
        await Engine.RunAsync<TaskService, TaskView>(s => s.DelegateAsync(approve.Id, "jan", Anna, default));

        await Engine.AdvanceAsync(TimeSpan.FromHours(3));
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(default));
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(default));
        var escalations = (await BellAsync(Anna)).Items.Where(n => n.Kind == NotificationKind.Escalation).ToList();
        Assert.Equal($"tasks/{approve.Id}", Assert.Single(escalations).Link);
        Assert.DoesNotContain((await BellAsync(Marek)).Items, n => n.Kind == NotificationKind.Escalation);
    }

    [Fact]
    public async Task Mentions_ByLoginOrDisplayName_NotifyEachNamedPersonOnce_NotTheWriter()
    {
        await SetUpAsync();
        var text = "Please call the client, @marek. @Jan Kowalski has the offer; cc @anna and @nobody.";
        // Raised and saved in one scope, as NoteBook does in the note's own commit; the second time is the same note again.
        Task<IReadOnlyList<string>> RaiseAsync() => Engine.RunAsync<IServiceProvider, IReadOnlyList<string>>(async scope =>
        {
            var names = await scope.GetRequiredService<Mentions>().RaiseAsync(text, Anna, "crm/123", "note:1", default);
            await scope.GetRequiredService<CrmDbContext>().SaveChangesAsync();
            return names;
        });
        Assert.Equal(["jan", "marek"], (await RaiseAsync()).Order());
        await RaiseAsync();
        var mareks = Assert.Single((await BellAsync(Marek)).Items);
        Assert.Equal((UserNotification.MentionKind, "Anna Nowak", "crm/123"), (mareks.Kind, mareks.Actor, mareks.Link));
        Assert.Single((await BellAsync(Jan)).Items);
        Assert.Empty((await BellAsync(Anna)).Items);
        Assert.Empty((await BellAsync(Boss)).Items);
    }
}

public sealed class InAppNotificationOnSqliteTests() : InAppNotificationTests(DatabaseProvider.Sqlite);

public sealed class InAppNotificationOnPostgreSqlTests() : InAppNotificationTests(DatabaseProvider.PostgreSql);
