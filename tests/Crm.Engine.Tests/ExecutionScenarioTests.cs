using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests;

/// <summary>Every supported element and the tricky combinations, on SQLite and on PostgreSQL.</summary>
public abstract class ExecutionScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    [Fact]
    public async Task StraightThrough_ServiceTaskAndGateway_CompletesInOneStep()
    {
        RequireDatabase();
        await Engine.DeployAsync("straight-through");

        var big = await Engine.StartAsync("straight", new { amount = 80 });
        var small = await Engine.StartAsync("straight", new { amount = 10 });

        Assert.Equal("Completed", big.State);
        Assert.Equal(160, (await Engine.InstanceAsync(big.Id)).Variables["product"]!.GetValue<double>());
        var bigPath = (await Engine.HistoryAsync(big.Id)).Where(h => h.Type == "ElementEntered").Select(h => h.ElementId);
        var smallPath = (await Engine.HistoryAsync(small.Id)).Where(h => h.Type == "ElementEntered").Select(h => h.ElementId);
        Assert.Equal(["start", "calc", "gw", "big"], bigPath);
        Assert.Equal(["start", "calc", "gw", "small"], smallPath);
        var history = await Engine.HistoryAsync(big.Id);
        Assert.Equal("InstanceStarted", history[0].Type);
        Assert.Equal("InstanceCompleted", history[^1].Type);
        Assert.Equal(history.Select(h => h.Sequence).Order(), history.Select(h => h.Sequence));
    }

    [Fact]
    public async Task Parallel_JoinWaitsForBothBranches()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var instance = await Engine.StartAsync("parallel");
        Assert.Equal(["taskA", "taskB"], instance.ActiveElementIds.Order());

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "taskA"));
        var halfway = await Engine.InstanceAsync(instance.Id);
        Assert.Equal(["taskB"], halfway.ActiveElementIds);

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "taskB"));
        Assert.Equal(["after"], (await Engine.InstanceAsync(instance.Id)).ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "after"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(instance.Id)).State);
    }

    [Fact]
    public async Task Inclusive_PartialSplit_JoinWaitsOnlyForTakenBranches()
    {
        RequireDatabase();
        await Engine.DeployAsync("inclusive");

        var instance = await Engine.StartAsync("inclusive", new { a = true, b = true, c = false });
        Assert.Equal(["taskA", "taskB"], instance.ActiveElementIds.Order());

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "taskB"));
        Assert.Equal(["taskA"], (await Engine.InstanceAsync(instance.Id)).ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "taskA"));
        Assert.Equal(["after"], (await Engine.InstanceAsync(instance.Id)).ActiveElementIds);

        var fallback = await Engine.StartAsync("inclusive", new { a = false, b = false });
        Assert.Equal(["taskC"], fallback.ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(fallback.Id, "taskC"));
        Assert.Equal(["after"], (await Engine.InstanceAsync(fallback.Id)).ActiveElementIds);
    }

    [Fact]
    public async Task SubProcess_WithParallelFork_MapsVariablesInAndOut()
    {
        RequireDatabase();
        await Engine.DeployAsync("subprocess-parallel");

        var instance = await Engine.StartAsync("subParallel", new { amount = 5 });
        Assert.Equal(["check"], instance.ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "check"));

        var after = await Engine.InstanceAsync(instance.Id);
        Assert.Equal(["after"], after.ActiveElementIds);
        Assert.Equal(55, after.Variables["offerTotal"]!.GetValue<double>());   // base 50 + extra 5
        Assert.False(after.Variables.ContainsKey("base"));                      // sub-process local, gone with its scope
    }

    [Fact]
    public async Task TerminateEnd_InsideSubProcess_EndsOnlyThatScope()
    {
        RequireDatabase();
        await Engine.DeployAsync("terminate-sub");
        var instance = await Engine.StartAsync("terminateSub");
        Assert.Equal(["inner", "outer", "quick"], instance.ActiveElementIds.Order());

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "quick"));

        var state = await Engine.InstanceAsync(instance.Id);
        Assert.Equal("Active", state.State);
        Assert.Equal(["outer"], state.ActiveElementIds);
        Assert.Equal(["outer"], (await Engine.OpenTasksAsync(instance.Id)).Select(t => t.ElementId));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "outer"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(instance.Id)).State);
    }

    [Fact]
    public async Task TerminateEnd_AtProcessLevel_CancelsOtherTasks()
    {
        RequireDatabase();
        await Engine.DeployAsync("terminate-top");
        var instance = await Engine.StartAsync("terminateTop");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "decide"));

        Assert.Equal("Terminated", (await Engine.InstanceAsync(instance.Id)).State);
        Assert.Empty(await Engine.OpenTasksAsync(instance.Id));
        Assert.Contains(await Engine.HistoryAsync(instance.Id), h => h.Type == "TaskCancelled" && h.ElementId == "slow");
    }

    [Fact]
    public async Task NestedGateways_ParallelAroundInclusive_CompleteInAnyOrder()
    {
        RequireDatabase();
        await Engine.DeployAsync("nested-gateways");

        var instance = await Engine.StartAsync("nested", new { count = 2, urgent = true });
        Assert.Equal(["t1a", "t2"], instance.ActiveElementIds.Order());
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "t2"));
        Assert.Equal(["t1a"], (await Engine.InstanceAsync(instance.Id)).ActiveElementIds);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "t1a"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(instance.Id)).State);

        var normal = await Engine.StartAsync("nested", new { count = 2, urgent = false });
        Assert.Equal(["t1b", "t2"], normal.ActiveElementIds.Order());

        var single = await Engine.StartAsync("nested", new { count = 1, urgent = false });
        Assert.Equal(["single"], single.ActiveElementIds);
    }

    [Fact]
    public async Task ScriptAndMappings_FeedUserTaskAndServiceTask()
    {
        RequireDatabase();
        await Engine.DeployAsync("mappings");

        var instance = await Engine.StartAsync("mappings", new
        {
            customer = new { name = "ACME", owner = "marek" },
            items = new[] { new { price = 70 }, new { price = 50 } },
            deadline = "2030-01-31T12:00:00Z",
        });

        var task = await Engine.TaskAtAsync(instance.Id, "approve");
        Assert.Equal("marek", task.Assignee);
        Assert.Equal(80, task.Priority);
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 12, 0, 0, TimeSpan.Zero), task.DueAt);
        Assert.Equal(240, task.Inputs!["limit"]!.GetValue<double>());
        var variables = (await Engine.InstanceAsync(instance.Id)).Variables;
        Assert.Equal("Hello ACME", variables["greeting"]!.GetValue<string>());
        Assert.Equal(120, variables["total"]!.GetValue<double>());

        await Engine.CompleteAsync(task, new { decision = "yes" });

        var done = await Engine.InstanceAsync(instance.Id);
        Assert.Equal("Completed", done.State);
        Assert.Equal(240, done.Variables["approvedAmount"]!.GetValue<double>());
        Assert.Equal(720, done.Variables["tripled"]!.GetValue<double>());
        Assert.False(done.Variables.ContainsKey("limit"));   // input mappings stay local to the task
    }

    [Fact]
    public async Task CamundaModel_DeploysAndRunsWithCamundaAttributes()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Model", "camunda-modeler.bpmn")));

        var large = await Engine.StartAsync("Process_Discount", new { amount = 5000, vip = false, owner = "jan" });
        var task = await Engine.TaskAtAsync(large.Id, "Task_Approve");
        Assert.Equal("jan", task.Assignee);
        Assert.Equal(["office", "sales"], task.CandidateGroups.Order());
        Assert.Equal(70, task.Priority);

        var small = await Engine.StartAsync("Process_Discount", new { amount = 10, vip = false, owner = "jan" });
        Assert.Equal("Completed", small.State);
    }

    [Fact]
    public async Task FailingHandler_FailsTheStepNamingTheElement_AndStoresNothing()
    {
        RequireDatabase();
        await Engine.DeployAsync("failing");

        var error = await Assert.ThrowsAsync<ProcessExecutionException>(() => Engine.StartAsync("failing", businessKey: "F-1"));

        Assert.Equal("lookup", error.ElementId);
        Assert.Contains("the customer register is down", error.Message, StringComparison.Ordinal);
        var stored = await Engine.RunAsync<RuntimeService, PagedList<InstanceSummary>>(s => s.ListAsync("failing", null, null, 1, 10, EngineHarness.Owner, CancellationToken.None));
        Assert.Equal(0, stored.Total);
    }

    [Fact]
    public async Task RunawayScript_IsStoppedBySandboxLimits()
    {
        RequireDatabase();
        await Engine.DeployAsync("runaway-script");

        var error = await Assert.ThrowsAsync<ProcessExecutionException>(() => Engine.StartAsync("runaway"));

        Assert.Equal("spin", error.ElementId);
    }

    [Fact]
    public async Task Script_CannotReachDotNet()
    {
        RequireDatabase();
        await Engine.DeployAsync("clr-escape");

        var error = await Assert.ThrowsAsync<ProcessExecutionException>(() => Engine.StartAsync("escape"));

        Assert.Equal("probe", error.ElementId);
        Assert.Contains("System is not defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versioning_IdenticalXmlKeepsVersion_ChangeCreatesNext_InstancesKeepTheirs()
    {
        RequireDatabase();
        var v1 = await Engine.DeployAsync("parallel");
        var again = await Engine.DeployAsync("parallel");
        Assert.Equal(1, again.Version);
        Assert.Equal(v1.Id, again.Id);
        var running = await Engine.StartAsync("parallel");

        var changed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", "parallel.bpmn")).Replace("name=\"After both\"", "name=\"After both (v2)\"", StringComparison.Ordinal);
        var v2 = await Engine.DeployXmlAsync(changed);

        Assert.Equal(2, v2.Version);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(running.Id, "taskA"));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(running.Id, "taskB"));
        Assert.Equal("After both", (await Engine.TaskAtAsync(running.Id, "after")).Name);
        Assert.Equal(1, (await Engine.InstanceAsync(running.Id)).Version);
        var fresh = await Engine.StartAsync("parallel");
        Assert.Equal(2, (await Engine.InstanceAsync(fresh.Id)).Version);
    }

    [Fact]
    public async Task CompleteSameTask_50Concurrently_ExactlyOneWins()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var instance = await Engine.StartAsync("parallel");
        var task = await Engine.TaskAtAsync(instance.Id, "taskA");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            try
            {
                await Engine.CompleteAsync(task);
                return "ok";
            }
            catch (ConflictException)
            {
                return "conflict";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Equal(49, outcomes.Count(o => o == "conflict"));
        var history = await Engine.HistoryAsync(instance.Id);
        Assert.Single(history, h => h.Type == "TaskCompleted");
        Assert.Equal(["taskB"], (await Engine.InstanceAsync(instance.Id)).ActiveElementIds);
    }

    [Fact]
    public async Task ParallelBranches_CompletedAtOnce_NeverLoseAToken()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var instances = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            instances.Add((await Engine.StartAsync("parallel")).Id);
        }

        var tasks = new List<Task>();
        foreach (var id in instances)
        {
            var open = await Engine.OpenTasksAsync(id);
            tasks.AddRange(open.Select(t => Engine.CompleteAsync(t)));
        }

        await Task.WhenAll(tasks);

        foreach (var id in instances)
        {
            Assert.Equal(["after"], (await Engine.InstanceAsync(id)).ActiveElementIds);
        }
    }

    [Fact]
    public async Task Cancel_EndsInstanceAndItsTasks()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var instance = await Engine.StartAsync("parallel");

        await Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(instance.Id, EngineHarness.Owner, CancellationToken.None));

        Assert.Equal("Cancelled", (await Engine.InstanceAsync(instance.Id)).State);
        Assert.Empty(await Engine.OpenTasksAsync(instance.Id));
        await Assert.ThrowsAsync<ConflictException>(() =>
            Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(instance.Id, EngineHarness.Owner, CancellationToken.None)));
    }

    [Fact]
    public async Task VariableChanges_AreRecordedWithUser()
    {
        RequireDatabase();
        await Engine.DeployAsync("parallel");
        var instance = await Engine.StartAsync("parallel", new { note = "first" }, user: "anna");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(instance.Id, "taskA"), new { note = "second" }, EngineHarness.Admin);

        var changes = (await Engine.HistoryAsync(instance.Id)).Where(h => h.Type == "VariableSet").ToList();
        Assert.Equal(["anna", "root"], changes.Select(c => c.UserName));
        Assert.Equal("second", changes[1].Data!["value"]!.GetValue<string>());
    }
}

public sealed class ExecutionScenarioOnSqliteTests() : ExecutionScenarioTests(DatabaseProvider.Sqlite);

public sealed class ExecutionScenarioOnPostgreSqlTests() : ExecutionScenarioTests(DatabaseProvider.PostgreSql);
