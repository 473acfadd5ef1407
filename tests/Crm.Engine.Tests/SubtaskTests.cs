using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Xunit;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Engine.Tests;

/// <summary>Subtasks (T5): split off to others, in their inboxes, blocking the main task while required, told to the delegator when overdue, ended with their task.</summary>
public abstract class SubtaskTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "sales");
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "office");
    private static readonly CurrentUser Marek = EngineHarness.User("marek", "sales");

    private Task<SubtaskView> AddAsync(Guid parent, string name, string assignee, bool required = true, DateTimeOffset? due = null, CurrentUser? by = null) =>
        Engine.RunAsync<Subtasks, SubtaskView>(s => s.AddAsync(parent, new AddSubtaskRequest(name, assignee, due, required), by ?? Anna, default));

    private Task<TaskView> CompleteAsync(Guid task, CurrentUser user, object? variables = null) =>
        Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(task, EngineHarness.Vars(variables), user, default));

    [Fact]
    public async Task RequiredSubtasks_BlockTheMainTask_OptionalOnesEndWithIt_AndTheDelegatorIsToldWhenOneIsOverdue()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var started = await Engine.StartAsync("parallel");
        var taskA = await Engine.TaskAtAsync(started.Id, "taskA");
        await Assert.ThrowsAsync<ForbiddenException>(() => AddAsync(taskA.Id, "Sprawdź ceny", "jan"));   // claim first
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(taskA.Id, Anna, default));
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => AddAsync(taskA.Id, "", "nobody"));
        Assert.Equal(["assignee", "name"], bad.Errors.Keys.Order());

        var prices = await AddAsync(taskA.Id, "Sprawdź ceny", "jan", due: Engine.Clock.GetUtcNow().AddHours(4));
        var optional = await AddAsync(taskA.Id, "Zapytaj o rabat", "marek", required: false);
        await Assert.ThrowsAsync<ForbiddenException>(() => AddAsync(taskA.Id, "Not mine", "jan", by: Marek));

        // The subtask is in jan's inbox; anna (its owner) sees it too; the main task waits for it.
        var jans = await Engine.RunAsync<TaskService, PagedList<TaskView>>(s => s.ListAsync(new TaskQuery("me", null, null, null, null, null, "created", null, 1, 50), Jan, default));
        Assert.Equal(prices.Id, Assert.Single(jans.Items).Id);
        Assert.Equal(taskA.Id, Assert.Single(jans.Items).ParentTaskId);
        var blocked = await Assert.ThrowsAsync<ConflictException>(() => CompleteAsync(taskA.Id, Anna));
        Assert.Contains("Sprawdź ceny (jan)", blocked.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<TaskService, TaskView>(s => s.DelegateAsync(prices.Id, "marek", Jan, default)));
        await Assert.ThrowsAsync<NotFoundException>(() => CompleteAsync(prices.Id, Marek));   // not his to see

        // Overdue: the delegator (anna) is told, besides the assignee's manager.
        await Engine.AdvanceAsync(TimeSpan.FromHours(5));
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(default));
        var told = await Engine.RunAsync<CrmDbContext, List<string?>>(db => db.Notifications.Where(n => n.TaskId == prices.Id && n.Kind == NotificationKind.Escalation).Select(n => n.Recipient).ToListAsync());
        Assert.Contains("anna", told);

        // Jan completes it (moving no process); then anna completes the main task; the optional subtask ends with it.
        await CompleteAsync(prices.Id, Jan);
        Assert.Contains("taskA", (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        await CompleteAsync(taskA.Id, Anna);
        Assert.DoesNotContain("taskA", (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        var subtasks = await Engine.RunAsync<Subtasks, List<SubtaskView>>(s => s.OfAsync(taskA.Id, Anna, default));
        Assert.Equal([("Sprawdź ceny", "Completed"), ("Zapytaj o rabat", "Cancelled")], subtasks.Select(t => (t.Name, t.Status)).OrderBy(t => t.Name));
        await Assert.ThrowsAsync<ConflictException>(() => CompleteAsync(optional.Id, Marek));   // cancelled with the main task

        // A subtask of a task the process cancels is cancelled with it.
        var taskB = await Engine.TaskAtAsync(started.Id, "taskB");
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(taskB.Id, Marek, default));
        var orphan = await AddAsync(taskB.Id, "Dokumenty", "jan", by: Marek);
        await Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(started.Id, EngineHarness.Owner, default));
        Assert.Equal(TaskStatus.Cancelled, await Engine.RunAsync<CrmDbContext, TaskStatus>(db => db.UserTasks.Where(t => t.Id == orphan.Id).Select(t => t.Status).SingleAsync()));
        var history = await Engine.HistoryAsync(started.Id);
        Assert.Contains(history, h => h.Type == "TaskCreated" && h.TaskId == prices.Id);
    }
}

public sealed class SubtaskOnSqliteTests() : SubtaskTests(DatabaseProvider.Sqlite);

public sealed class SubtaskOnPostgreSqlTests() : SubtaskTests(DatabaseProvider.PostgreSql);
