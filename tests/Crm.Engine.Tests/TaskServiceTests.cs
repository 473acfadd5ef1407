using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Xunit;

namespace Crm.Engine.Tests;

/// <summary>Inbox rules: who sees, claims, delegates, resolves and completes; form validation.</summary>
public sealed class TaskServiceTests : IAsyncLifetime
{
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "sales");
    private static readonly CurrentUser Marek = EngineHarness.User("marek", "sales");
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "office");
    private static readonly CurrentUser Outsider = EngineHarness.User("boss");
    private EngineHarness _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await EngineHarness.CreateAsync(DatabaseProvider.Sqlite);
        await _engine.DeployAsync("form");
    }

    public async ValueTask DisposeAsync() => await _engine.DisposeAsync();

    private Task<T> Tasks<T>(Func<TaskService, Task<T>> work) => _engine.RunAsync(work);

    private Task<T> Complete<T>(Func<CompleteTask, Task<T>> work) => _engine.RunAsync(work);

    private static TaskQuery Query(string? assignee = null, string? candidate = null, string? status = null) =>
        new(assignee, candidate, null, null, null, status, null, null, 1, 50);

    [Fact]
    public async Task Candidates_SeeAndClaim_OthersGetNotFound()
    {
        var instance = await _engine.StartAsync("form");
        var task = await _engine.TaskAtAsync(instance.Id, "register");

        var annaSees = await Tasks(s => s.ListAsync(Query(candidate: "me"), Anna, default));
        var janSees = await Tasks(s => s.ListAsync(Query(candidate: "me"), Jan, default));   // candidate user
        var outsiderSees = await Tasks(s => s.ListAsync(Query(), Outsider, default));

        Assert.Contains(annaSees.Items, t => t.Id == task.Id);
        Assert.Contains(janSees.Items, t => t.Id == task.Id);
        Assert.DoesNotContain(outsiderSees.Items, t => t.Id == task.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => Tasks(s => s.GetAsync(task.Id, Outsider, default)));
        await Assert.ThrowsAsync<NotFoundException>(() => Tasks(s => s.ClaimAsync(task.Id, Outsider, default)));

        var claimed = await Tasks(s => s.ClaimAsync(task.Id, Anna, default));
        Assert.Equal("anna", claimed.Assignee);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Tasks(s => s.ClaimAsync(task.Id, Marek, default)));
        Assert.Contains("anna", conflict.Message, StringComparison.Ordinal);
        Assert.Empty((await Tasks(s => s.ListAsync(Query(candidate: "me"), Marek, default))).Items);
        Assert.Single((await Tasks(s => s.ListAsync(Query(assignee: "me"), Anna, default))).Items);
    }

    [Fact]
    public async Task Complete_RequiresAssignee_AndValidatesForm()
    {
        var instance = await _engine.StartAsync("form");
        var task = await _engine.TaskAtAsync(instance.Id, "register");

        await Assert.ThrowsAsync<ForbiddenException>(() => Complete(s => s.RunAsync(task.Id, null, Anna, default)));
        await Tasks(s => s.ClaimAsync(task.Id, Anna, default));
        await Assert.ThrowsAsync<ForbiddenException>(() => Complete(s => s.RunAsync(task.Id, null, Marek, default)));

        var invalid = await Assert.ThrowsAsync<ValidationFailedException>(() => Complete(s => s.RunAsync(task.Id,
            EngineHarness.Vars(new { subject = "x", severity = "urgent", amount = -5 }), Anna, default)));
        Assert.Equal(["amount", "severity", "subject"], invalid.Errors.Keys.Order());
        Assert.Equal("Active", (await _engine.InstanceAsync(instance.Id)).State);

        var done = await Complete(s => s.RunAsync(task.Id, EngineHarness.Vars(new { subject = "Broken lid", severity = "high" }), Anna, default));
        Assert.Equal("Completed", done.Status);
        Assert.Equal("anna", done.CompletedBy);
        var finished = await _engine.InstanceAsync(instance.Id);
        Assert.Equal("Completed", finished.State);
        Assert.Equal("Broken lid", finished.Variables["subject"]!.GetValue<string>());
        await Assert.ThrowsAsync<ConflictException>(() => Complete(s => s.RunAsync(task.Id, null, Anna, default)));
    }

    [Fact]
    public async Task Delegate_ThenResolve_ReturnsTaskToOwner()
    {
        var instance = await _engine.StartAsync("form");
        var task = await _engine.TaskAtAsync(instance.Id, "register");
        await Tasks(s => s.ClaimAsync(task.Id, Anna, default));

        var delegated = await Tasks(s => s.DelegateAsync(task.Id, "jan", Anna, default));
        Assert.Equal("jan", delegated.Assignee);
        Assert.Equal("anna", delegated.Owner);
        Assert.Equal("Pending", delegated.Delegation);
        await Assert.ThrowsAsync<ConflictException>(() => Complete(s => s.RunAsync(task.Id, EngineHarness.Vars(new { subject = "abc", severity = "low" }), Jan, default)));
        Assert.Single((await Tasks(s => s.ListAsync(Query(assignee: "me"), Jan, default))).Items);

        var resolved = await Tasks(s => s.ResolveAsync(task.Id, EngineHarness.Vars(new { subject = "Checked by Jan" }), Jan, default));
        Assert.Equal("anna", resolved.Assignee);
        Assert.Equal("Resolved", resolved.Delegation);
        Assert.Equal("Checked by Jan", (await _engine.InstanceAsync(instance.Id)).Variables["subject"]!.GetValue<string>());

        await Assert.ThrowsAsync<ValidationFailedException>(() => Tasks(s => s.DelegateAsync(task.Id, "nobody-here", Anna, default)));
        var history = (await _engine.HistoryAsync(instance.Id)).Select(h => h.Type).ToList();
        Assert.Contains("TaskDelegated", history);
        Assert.Contains("TaskResolved", history);
    }

    [Fact]
    public async Task Unclaim_PutsTaskBackIntoTheGroupQueue()
    {
        var instance = await _engine.StartAsync("form");
        var task = await _engine.TaskAtAsync(instance.Id, "register");
        await Tasks(s => s.ClaimAsync(task.Id, Anna, default));
        await Assert.ThrowsAsync<ForbiddenException>(() => Tasks(s => s.UnclaimAsync(task.Id, Marek, default)));

        var released = await Tasks(s => s.UnclaimAsync(task.Id, Anna, default));

        Assert.Null(released.Assignee);
        Assert.Contains((await Tasks(s => s.ListAsync(Query(candidate: "me"), Marek, default))).Items, t => t.Id == task.Id);
    }

    [Fact]
    public async Task Instances_AreVisibleOnlyToParticipants()
    {
        var instance = await _engine.StartAsync("form", user: "marek");

        var asOutsider = await _engine.RunAsync<RuntimeService, PagedList<InstanceSummary>>(s => s.ListAsync(null, null, null, 1, 50, Outsider, default));
        var asCandidate = await _engine.RunAsync<RuntimeService, PagedList<InstanceSummary>>(s => s.ListAsync(null, null, null, 1, 50, Jan, default));

        Assert.DoesNotContain(asOutsider.Items, i => i.Id == instance.Id);
        Assert.Contains(asCandidate.Items, i => i.Id == instance.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => _engine.RunAsync<RuntimeService, InstanceView>(s => s.GetAsync(instance.Id, Outsider, default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => _engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(instance.Id, Jan, default)));
    }

    [Fact]
    public async Task Overdue_FilterFindsTasksPastTheirDueDate()
    {
        await _engine.DeployAsync("mappings");
        var late = await _engine.StartAsync("mappings", new { customer = new { name = "A", owner = "anna" }, items = Array.Empty<object>(), deadline = "2020-01-01T00:00:00Z" });
        await _engine.StartAsync("mappings", new { customer = new { name = "B", owner = "anna" }, items = Array.Empty<object>(), deadline = "2099-01-01T00:00:00Z" });

        var overdue = await Tasks(s => s.ListAsync(new TaskQuery("me", null, null, null, true, null, "due", null, 1, 50), Anna, default));

        var only = Assert.Single(overdue.Items);
        Assert.Equal(late.Id, only.InstanceId);
        Assert.True(only.Overdue);
    }
}
