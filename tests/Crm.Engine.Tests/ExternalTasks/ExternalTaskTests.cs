using System.Text.Json.Nodes;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.ExternalTasks;
using Crm.Workflow.Jobs;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests.ExternalTasks;

/// <summary>External tasks (camunda:type="external"): workers fetch and lock by topic, complete, fail with retries, throw BPMN errors.</summary>
public abstract class ExternalTaskTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Worker = new(Guid.NewGuid(), "payment-worker", new HashSet<string> { Roles.ExternalWorker }, new HashSet<string>());

    private const string Model = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://camunda.org/examples" id="defs">
          <error id="declined" errorCode="CARD_DECLINED"/>
          <process id="payment" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="charge"/>
            <serviceTask id="charge" name="Charge the card" camunda:type="external" camunda:topic="payments" camunda:taskPriority="${prio}"/>
            <boundaryEvent id="onDeclined" attachedToRef="charge"><errorEventDefinition errorRef="declined"/></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="onDeclined" targetRef="callCustomer"/>
            <userTask id="callCustomer" name="Call the customer"/>
            <sequenceFlow id="f3" sourceRef="callCustomer" targetRef="end"/>
            <sequenceFlow id="f4" sourceRef="charge" targetRef="ship"/>
            <userTask id="ship" name="Ship"/>
            <sequenceFlow id="f5" sourceRef="ship" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """;

    private Task<List<LockedExternalTask>> FetchAsync(string workerId, int max = 10, long lockMs = 60_000, bool usePriority = false) =>
        Engine.RunAsync<ExternalTaskService, List<LockedExternalTask>>(s => s.FetchAndLockAsync(
            new FetchAndLockRequest(workerId, max, [new FetchTopic("payments", lockMs, ["amount", "prio"])], usePriority), Worker, default));

    private Task CompleteAsync(Guid id, string workerId, object? variables = null) =>
        Engine.RunAsync<ExternalTaskService>(s => s.CompleteAsync(id, new CompleteExternalTaskRequest(workerId,
            variables is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone())), Worker, default));

    [Fact]
    public async Task Workers_FetchLockAndComplete_FailWithRetriesIntoAnIncident_AndThrowBpmnErrors()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Model);
        var low = await Engine.StartAsync("payment", new { amount = 120, prio = 1, secret = "not for workers" });
        var high = await Engine.StartAsync("payment", new { amount = 990, prio = 9 });
        Assert.Equal(["charge"], (await Engine.InstanceAsync(low.Id)).ActiveElementIds);

        // By priority, only the asked-for variables, locked for this worker only.
        var first = Assert.Single(await FetchAsync("w1", max: 1, usePriority: true));
        Assert.Equal((high.Id, "charge", 9L), (first.ProcessInstanceId, first.ActivityId, first.Priority));
        Assert.Equal(["amount", "prio"], first.Variables.Keys.Order(StringComparer.Ordinal));
        var second = Assert.Single(await FetchAsync("w2"));
        Assert.Equal(low.Id, second.ProcessInstanceId);
        Assert.Empty(await FetchAsync("w3"));
        var notYours = await Assert.ThrowsAsync<ConflictException>(() => CompleteAsync(first.Id, "w2"));
        Assert.Contains("w1", notYours.Message, StringComparison.Ordinal);

        await CompleteAsync(first.Id, "w1", new { receipt = "R-990" });
        var shipped = await Engine.InstanceAsync(high.Id);
        Assert.Equal(["ship"], shipped.ActiveElementIds);
        Assert.Equal("R-990", shipped.Variables["receipt"]!.GetValue<string>());
        await Assert.ThrowsAsync<NotFoundException>(() => CompleteAsync(first.Id, "w1"));   // done once

        // A failure with retries left comes back after its timeout; with none it is an incident until retried.
        await Engine.RunAsync<ExternalTaskService>(s => s.FailureAsync(second.Id, new ExternalTaskFailureRequest("w2", "gateway timeout", "stack…", 2, 60_000), Worker, default));
        Assert.Empty(await FetchAsync("w2"));
        Engine.Clock.Advance(TimeSpan.FromMinutes(2));
        var again = Assert.Single(await FetchAsync("w2"));
        Assert.Equal((2, "gateway timeout"), (again.Retries, again.ErrorMessage));
        await Engine.RunAsync<ExternalTaskService>(s => s.FailureAsync(again.Id, new ExternalTaskFailureRequest("w2", "card service gone", null, 0, 0), Worker, default));
        Engine.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await FetchAsync("w2"));
        var incident = Assert.Single((await Engine.RunAsync<IncidentService, PagedList<IncidentView>>(s => s.ListAsync("payment", low.Id, 1, 20, EngineHarness.Owner, default))).Items);
        Assert.Equal(("charge", "ExternalTask (payments)", "card service gone"), (incident.ElementId, incident.Kind, incident.Error));
        await Engine.RunAsync<IncidentService, IncidentView>(s => s.RetryAsync(incident.Id, 1, EngineHarness.Owner, default));

        // The worker says the card was declined: the error boundary takes over.
        var retried = Assert.Single(await FetchAsync("w4"));
        await Engine.RunAsync<ExternalTaskService>(s => s.BpmnErrorAsync(retried.Id, new ExternalTaskBpmnErrorRequest("w4", "CARD_DECLINED", "insufficient funds", null), Worker, default));
        Assert.Equal(["callCustomer"], (await Engine.InstanceAsync(low.Id)).ActiveElementIds);
        Assert.Empty(await Engine.RunAsync<ExternalTaskService, List<ExternalTaskView>>(s => s.ListAsync("payments", null, Worker, default)));

        // Staff cannot pose as a worker; a model without a topic is refused naming the task.
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ExternalTaskService, List<LockedExternalTask>>(s => s.FetchAndLockAsync(
            new FetchAndLockRequest("me", 1, [new FetchTopic("payments", 1000, null)]), EngineHarness.User("anna", "sales"), default)));
        var refused = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Model.Replace(" camunda:topic=\"payments\"", "", StringComparison.Ordinal)));
        Assert.Contains(refused.Errors, e => e.ElementId == "charge" && e.Message.Contains("topic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExpiredLock_PassesToTheNextWorker_AndACancelledInstanceTakesItsTaskAway()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Model);
        var started = await Engine.StartAsync("payment", new { amount = 5, prio = 0 });
        var slow = Assert.Single(await FetchAsync("slow", lockMs: 1_000));
        Engine.Clock.Advance(TimeSpan.FromSeconds(5));
        var quick = Assert.Single(await FetchAsync("quick"));
        Assert.Equal(slow.Id, quick.Id);
        await Assert.ThrowsAsync<ConflictException>(() => CompleteAsync(slow.Id, "slow"));
        await Engine.RunAsync<ExternalTaskService>(s => s.ExtendLockAsync(quick.Id, new ExtendLockRequest("quick", 600_000), Worker, default));
        Engine.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await FetchAsync("slow"));   // still quick's

        await Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(started.Id, EngineHarness.Owner, default));
        Assert.Empty(await Engine.RunAsync<ExternalTaskService, List<ExternalTaskView>>(s => s.ListAsync(null, started.Id, Worker, default)));
        await Assert.ThrowsAsync<NotFoundException>(() => CompleteAsync(quick.Id, "quick"));
    }

    [Fact]
    public async Task ATaskCancelledInTheStepThatMadeIt_LeavesNoRow_AndAnotherAccountCannotReportOnALock()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Model.Replace("<boundaryEvent id=\"onDeclined\"", "<boundaryEvent id=\"gone\" attachedToRef=\"charge\"><conditionalEventDefinition><condition>${cancelled == true}</condition></conditionalEventDefinition></boundaryEvent><sequenceFlow id=\"fg\" sourceRef=\"gone\" targetRef=\"end\"/><boundaryEvent id=\"onDeclined\"", StringComparison.Ordinal));
        var cancelledAtOnce = await Engine.StartAsync("payment", new { amount = 1, prio = 0, cancelled = true });
        Assert.Equal("Completed", (await Engine.InstanceAsync(cancelledAtOnce.Id)).State);
        Assert.Empty(await Engine.RunAsync<ExternalTaskService, List<ExternalTaskView>>(s => s.ListAsync(null, cancelledAtOnce.Id, Worker, default)));

        await Engine.StartAsync("payment", new { amount = 2, prio = 0, cancelled = false });
        var mine = Assert.Single(await FetchAsync("shared-id"));
        var otherAccount = new CurrentUser(Guid.NewGuid(), "other-worker", new HashSet<string> { Roles.ExternalWorker }, new HashSet<string>());
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ExternalTaskService>(s => s.CompleteAsync(mine.Id, new CompleteExternalTaskRequest("shared-id", null), otherAccount, default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ExternalTaskService>(s => s.UnlockAsync(mine.Id, otherAccount, default)));
        await CompleteAsync(mine.Id, "shared-id");
    }

    [Fact]
    public async Task TwoWorkersFetchingAtOnce_NeverGetTheSameTask_AndBothCompleteTheirs()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Model);
        var instances = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            instances.Add((await Engine.StartAsync("payment", new { amount = i, prio = 0 })).Id);
        }

        var results = await Task.WhenAll(FetchAsync("a", max: 4), FetchAsync("b", max: 4));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(all.Count, all.Select(t => t.Id).Distinct().Count());
        Assert.Equal(6, all.Count + (await FetchAsync("c")).Count);   // nothing lost either
        foreach (var (worker, tasks) in new[] { ("a", results[0]), ("b", results[1]) })
        {
            foreach (var task in tasks)
            {
                await CompleteAsync(task.Id, worker);
                Assert.Equal(["ship"], (await Engine.InstanceAsync(task.ProcessInstanceId)).ActiveElementIds);
            }
        }
    }

    [Fact]
    public async Task LongPolling_WaitsUntilATaskAppears_OrTheTimeoutPasses()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Model);
        Task<List<LockedExternalTask>> LongPoll(string workerId, long timeoutMs) =>
            Engine.RunAsync<ExternalTaskService, List<LockedExternalTask>>(s => s.FetchAndLockAsync(
                new FetchAndLockRequest(workerId, 1, [new FetchTopic("payments", 60_000, null)], AsyncResponseTimeout: timeoutMs), Worker, default));

        // Nothing to fetch: the answer comes empty once the timeout has passed, not at once.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(await LongPoll("idle", 400));
        Assert.InRange(clock.ElapsedMilliseconds, 350, 5_000);

        // A task created while the worker waits is handed over at once (woken by the commit, far before the timeout).
        clock.Restart();
        var waiting = LongPoll("patient", 20_000);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        var started = await Engine.StartAsync("payment", new { amount = 5, prio = 1 });
        var fetched = Assert.Single(await waiting);
        Assert.Equal(started.Id, fetched.ProcessInstanceId);
        Assert.InRange(clock.ElapsedMilliseconds, 300, 10_000);
    }
}

public sealed class ExternalTaskOnSqliteTests() : ExternalTaskTests(DatabaseProvider.Sqlite);

public sealed class ExternalTaskOnPostgreSqlTests() : ExternalTaskTests(DatabaseProvider.PostgreSql);
