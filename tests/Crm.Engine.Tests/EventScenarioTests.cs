using Crm.Workflow.Common;
using Crm.Workflow.Jobs;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests;

/// <summary>Engine part 2: jobs, timers, messages, errors, call activities, multi-instance, migration; on SQLite and PostgreSQL.</summary>
public abstract class EventScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly string[] FiveReaders = ["anna", "jan", "marek", "boss", "root"];
    private static readonly string[] TwoSigners = ["anna", "jan"];
    private Task<DefinitionView> DeployAsync(string name)
    {
        RequireDatabase();
        return Engine.DeployAsync(Path.Combine("Part2", name));
    }

    private Task<List<JournalEntry>> JournalAsync(Guid? instanceId = null) =>
        Engine.RunAsync<CrmDbContext, List<JournalEntry>>(db => db.Journal.AsNoTracking().Where(j => instanceId == null || j.InstanceId == instanceId).OrderBy(j => j.Id).ToListAsync());

    [Fact]
    public async Task AsyncContinuation_CommitsFirst_ThenJobRunsTheStepOnce()
    {
        await DeployAsync("async");

        var started = await Engine.StartAsync("async");

        Assert.Equal("Active", started.State);
        Assert.Equal(["note"], started.ActiveElementIds);
        Assert.Empty(await JournalAsync(started.Id));
        var job = Assert.Single(await Engine.JobsAsync(started.Id));
        Assert.Equal(JobKind.Continue, job.Kind);

        Assert.Equal(1, await Engine.RunJobsAsync());
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
        var entry = Assert.Single(await JournalAsync(started.Id));
        Assert.Equal("offer sent", entry.Text);
        Assert.Equal(Engine.Executor.Owner, entry.ExecutedBy);
        Assert.Empty(await Engine.JobsAsync());
    }

    [Fact]
    public async Task FailingJob_RetriesWithBackoff_ThenIncident_ThenFixAndRetryCompletes()
    {
        await DeployAsync("retry");
        var started = await Engine.StartAsync("retry", new { broken = true });

        await Engine.RunJobsAsync();
        var job = Assert.Single(await Engine.JobsAsync(started.Id));
        Assert.Equal(1, job.Attempts);
        Assert.False(job.Incident);
        Assert.Equal(Engine.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), job.DueAt);
        Assert.Contains("send", job.LastError, StringComparison.Ordinal);

        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromSeconds(30)));   // not due yet
        await Engine.AdvanceAsync(TimeSpan.FromSeconds(30));
        var incidents = await Engine.RunAsync<IncidentService, PagedList<IncidentView>>(s => s.ListAsync("retry", null, 1, 50, EngineHarness.Owner, CancellationToken.None));
        var incident = Assert.Single(incidents.Items);
        Assert.Equal("send", incident.ElementId);
        Assert.Equal(2, incident.Attempts);
        Assert.Contains("mail server refused", incident.Error, StringComparison.Ordinal);
        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromHours(1)));   // incidents wait for a person
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<IncidentService, IncidentView>(s => s.RetryAsync(incident.Id, null, EngineHarness.User("anna"), CancellationToken.None)));

        await Engine.RunAsync<RuntimeService, InstanceView>(s => s.SetVariablesAsync(started.Id, EngineHarness.Vars(new { broken = false }), EngineHarness.Owner, CancellationToken.None));
        await Engine.RunAsync<IncidentService, IncidentView>(s => s.RetryAsync(incident.Id, null, EngineHarness.Owner, CancellationToken.None));
        await Engine.RunJobsAsync();

        var done = await Engine.InstanceAsync(started.Id);
        Assert.Equal("Completed", done.State);
        Assert.True(done.Variables["sent"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BoundaryTimers_RemindEveryTwoDaysWithoutInterrupting_EscalateAfterFive()
    {
        await DeployAsync("timers");
        var started = await Engine.StartAsync("timers", new { escalateAfter = "P5D" });
        Assert.Equal(2, (await Engine.JobsAsync(started.Id)).Count);

        await Engine.AdvanceAsync(TimeSpan.FromDays(2));
        await Engine.AdvanceAsync(TimeSpan.FromDays(2));
        Assert.Equal(2, (await JournalAsync(started.Id)).Count(j => j.Text == "reminder sent"));
        Assert.Single(await Engine.OpenTasksAsync(started.Id), t => t.ElementId == "review");

        await Engine.AdvanceAsync(TimeSpan.FromDays(1));

        var tasks = await Engine.OpenTasksAsync(started.Id);
        var boss = Assert.Single(tasks);
        Assert.Equal("boss", boss.ElementId);
        Assert.Equal("boss", boss.Assignee);
        Assert.Empty(await Engine.JobsAsync(started.Id));   // the review's timers went with it
        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromDays(30)));
        Assert.Equal(2, (await JournalAsync(started.Id)).Count);
    }

    [Fact]
    public async Task CompletingTheTask_RemovesItsBoundaryTimers_IntermediateTimerWaits()
    {
        await DeployAsync("timers");
        var started = await Engine.StartAsync("timers", new { escalateAfter = "P5D" });

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "review"));

        var job = Assert.Single(await Engine.JobsAsync(started.Id));
        Assert.Equal("wait", job.ElementId);
        Assert.Equal(Engine.Clock.GetUtcNow() + TimeSpan.FromHours(1), job.DueAt);
        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromMinutes(59)));
        Assert.Equal(1, await Engine.AdvanceAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
        Assert.Empty(await JournalAsync(started.Id));
    }

    [Fact]
    public async Task TimerExpression_WithBadValue_FailsNamingTheElement()
    {
        await DeployAsync("timers");

        var error = await Assert.ThrowsAsync<Crm.Workflow.Runtime.ProcessExecutionException>(() => Engine.StartAsync("timers", new { escalateAfter = "five days" }));

        Assert.Equal("escalate", error.ElementId);
    }

    [Fact]
    public async Task TimerStartEvent_Cycle_StartsThreeInstancesOneHourApart_AndRedeployReplacesIt()
    {
        await DeployAsync("timer-start");

        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromMinutes(59)));
        await Engine.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Engine.AdvanceAsync(TimeSpan.FromHours(1));
        await Engine.AdvanceAsync(TimeSpan.FromHours(1));
        await Engine.AdvanceAsync(TimeSpan.FromHours(5));

        Assert.Equal(3, (await JournalAsync()).Count(j => j.Text == "hourly check"));
        Assert.Empty(await Engine.JobsAsync());

        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", "Part2", "timer-start.bpmn")).Replace("R3/PT1H", "R/PT2H", StringComparison.Ordinal);
        await Engine.DeployXmlAsync(xml);
        await Engine.DeployXmlAsync(xml.Replace("hourly check", "two-hourly check", StringComparison.Ordinal));
        var job = Assert.Single(await Engine.JobsAsync());
        Assert.Equal(3, (await Engine.RunAsync<CrmDbContext, ProcessDefinition>(db => db.ProcessDefinitions.SingleAsync(d => d.Id == job.DefinitionId))).Version);
    }

    [Fact]
    public async Task Messages_CorrelateByKey_EventGatewayFirstWins_BoundaryMessageDoesNotInterrupt()
    {
        await DeployAsync("messages");
        var first = await Engine.StartAsync("order", new { orderId = "A-1" }, businessKey: "customer-7");
        var second = await Engine.StartAsync("order", new { orderId = "A-2" }, businessKey: "customer-7");

        await Assert.ThrowsAsync<NotFoundException>(() => Engine.MessageAsync("payment-received", correlationKey: "A-3"));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.MessageAsync("no-such-message"));
        var paid = await Engine.MessageAsync("payment-received", correlationKey: "A-1", variables: new { amount = 120 });

        Assert.Equal(first.Id, Assert.Single(paid.Deliveries).InstanceId);
        var instance = await Engine.InstanceAsync(first.Id);
        Assert.Equal(["gw"], instance.ActiveElementIds);
        Assert.Equal(120, instance.Variables["amount"]!.GetValue<int>());
        Assert.Single(await Engine.JobsAsync(first.Id));   // the gateway's 7-day timer

        await Engine.MessageAsync("customer-answered", businessKey: "customer-7");
        Assert.Empty(await Engine.JobsAsync(first.Id));   // the timer lost the race and is gone
        Assert.Equal(0, await Engine.AdvanceAsync(TimeSpan.FromDays(8)));
        Assert.Equal(["ship"], (await Engine.InstanceAsync(first.Id)).ActiveElementIds);

        await Engine.MessageAsync("order-changed", businessKey: "customer-7");
        var tasks = (await Engine.OpenTasksAsync(first.Id)).Select(t => t.ElementId).Order().ToList();
        Assert.Equal(["recheck", "ship"], tasks);

        // The second order still waits for payment; a message for both needs all=true.
        await Engine.MessageAsync("payment-received", correlationKey: "A-2");
        var third = await Engine.StartAsync("order", new { orderId = "A-3" }, businessKey: "customer-8");
        await Engine.MessageAsync("payment-received", correlationKey: "A-3");
        await Assert.ThrowsAsync<ConflictException>(() => Engine.MessageAsync("customer-answered"));
        var both = await Engine.MessageAsync("customer-answered", all: true);
        Assert.Equal([second.Id, third.Id], both.Deliveries.Select(d => d.InstanceId).Order().ToList());
    }

    [Fact]
    public async Task Messages_FindTheOneMatchingWaiterAmong500_AndANonInterruptingBoundaryFiresForEveryMessage()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
              <bpmn:message id="paid" name="invoice-paid"/>
              <bpmn:message id="nudge" name="invoice-nudge"/>
              <bpmn:process id="invoice-wait" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="waitPaid"/>
                <bpmn:intermediateCatchEvent id="waitPaid"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:intermediateCatchEvent>
                <bpmn:sequenceFlow id="f2" sourceRef="waitPaid" targetRef="review"/>
                <bpmn:userTask id="review" crm:assignee="anna"/>
                <bpmn:boundaryEvent id="nudged" attachedToRef="review" cancelActivity="false"><bpmn:messageEventDefinition messageRef="nudge"/></bpmn:boundaryEvent>
                <bpmn:sequenceFlow id="f3" sourceRef="nudged" targetRef="note"/>
                <bpmn:serviceTask id="note" crm:handler="crm.journal"><bpmn:extensionElements><crm:input name="text" value="nudged"/></bpmn:extensionElements></bpmn:serviceTask>
                <bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="noted"/>
                <bpmn:endEvent id="noted"/>
                <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """);
        // A process started by the same message: a missed waiter would start one of these instead.
        await Engine.DeployXmlAsync("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d2" targetNamespace="t">
              <bpmn:message id="paid" name="invoice-paid"/>
              <bpmn:process id="unexpected-payment" isExecutable="true">
                <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:startEvent>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """);
        var ids = new List<Guid>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add((await Engine.StartAsync("invoice-wait", new { invoiceNo = i })).Id);
        }

        var paid = await Engine.MessageAsync("invoice-paid", correlationKeys: new { invoiceNo = 437 });

        var delivery = Assert.Single(paid.Deliveries);
        Assert.Equal(ids[437], delivery.InstanceId);
        Assert.False(delivery.StartedInstance);
        Assert.Equal(0, await Engine.RunAsync<CrmDbContext, int>(db => db.ProcessInstances.CountAsync(i => i.ProcessKey == "unexpected-payment")));
        Assert.Equal(["review"], (await Engine.InstanceAsync(ids[437])).ActiveElementIds);

        // Two nudges while the review is open: the non-interrupting boundary fires for each, the task stays.
        await Engine.MessageAsync("invoice-nudge", correlationKeys: new { invoiceNo = 437 });
        await Engine.MessageAsync("invoice-nudge", correlationKeys: new { invoiceNo = 437 });
        Assert.Equal(2, (await JournalAsync(ids[437])).Count(j => j.Text == "nudged"));
        Assert.Equal(["review"], (await Engine.InstanceAsync(ids[437])).ActiveElementIds);

        // The review done, the boundary listens no more.
        await Engine.CompleteAsync(await Engine.TaskAtAsync(ids[437], "review"));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.MessageAsync("invoice-nudge", correlationKeys: new { invoiceNo = 437 }));
        Assert.Equal("Completed", (await Engine.InstanceAsync(ids[437])).State);
    }

    [Fact]
    public async Task MessageStartEvent_StartsAnInstance_WithTheMessageVariables()
    {
        await DeployAsync("message-start");

        var result = await Engine.MessageAsync("complaint-received", businessKey: "C-100", variables: new { customer = "ACME" });

        var delivery = Assert.Single(result.Deliveries);
        Assert.True(delivery.StartedInstance);
        var instance = await Engine.InstanceAsync(delivery.InstanceId);
        Assert.Equal("C-100", instance.BusinessKey);
        Assert.Equal("ACME", instance.Variables["customer"]!.GetValue<string>());
        Assert.Equal(["triage"], instance.ActiveElementIds);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.StartAsync("inbound"));
    }

    [Fact]
    public async Task Errors_HandlerErrorAndErrorEndEvent_CaughtByBoundaryOfTheSubProcess()
    {
        await DeployAsync("errors");

        var rejected = await Engine.StartAsync("errors", new { documents = true });
        var incomplete = await Engine.StartAsync("errors", new { documents = false });

        Assert.Equal(["rejected"], rejected.ActiveElementIds);
        Assert.Equal(["fixDocuments"], incomplete.ActiveElementIds);
        var history = await Engine.HistoryAsync(rejected.Id);
        Assert.Contains(history, h => h.Type == "ErrorCaught" && h.ElementId == "onRejected" && h.Data!["code"]!.GetValue<string>() == "REJECTED");
    }

    [Fact]
    public async Task CallActivity_WaitsForChild_MapsVariables_CancelParentCancelsChild()
    {
        await DeployAsync("call-child");
        await DeployAsync("call-parent");
        var parent = await Engine.StartAsync("parent", new { childKey = "approval", amount = 500, secret = "x" });

        var child = Assert.Single((await Engine.RunAsync<CrmDbContext, List<ProcessInstance>>(db => db.ProcessInstances.AsNoTracking().Where(i => i.ParentInstanceId == parent.Id).ToListAsync())));
        var childView = await Engine.InstanceAsync(child.Id);
        Assert.Equal(500, childView.Variables["amount"]!.GetValue<int>());
        Assert.False(childView.Variables.ContainsKey("secret"));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(child.Id, "approve"), new { decision = "approved" });
        Assert.Equal(["call"], (await Engine.InstanceAsync(parent.Id)).ActiveElementIds);

        await Engine.RunJobsAsync();

        var after = await Engine.InstanceAsync(parent.Id);
        Assert.Equal(["after"], after.ActiveElementIds);
        Assert.Equal("approved", after.Variables["decision"]!.GetValue<string>());

        var second = await Engine.StartAsync("parent", new { childKey = "approval", amount = 1 });
        var secondChild = (await Engine.RunAsync<CrmDbContext, ProcessInstance>(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == second.Id))).Id;
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(secondChild, EngineHarness.Owner, CancellationToken.None)));
        await Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(second.Id, EngineHarness.Owner, CancellationToken.None));
        Assert.Equal("Cancelled", (await Engine.InstanceAsync(secondChild)).State);
        Assert.Empty(await Engine.OpenTasksAsync(secondChild));
        Assert.Equal(0, await Engine.RunJobsAsync());
    }

    [Fact]
    public async Task CallActivity_ChildEndingAtOnce_ReturnsInTheSameStep_ChildErrorReachesParentBoundary()
    {
        await DeployAsync("call-child");
        await DeployAsync("call-child-instant");
        await DeployAsync("call-parent");

        var instant = await Engine.StartAsync("parent", new { childKey = "scoring", amount = 500 });
        Assert.Equal(["after"], instant.ActiveElementIds);
        Assert.Equal("review", (await Engine.InstanceAsync(instant.Id)).Variables["decision"]!.GetValue<string>());

        var vetoed = await Engine.StartAsync("parent", new { childKey = "approval", amount = 5 });
        var child = (await Engine.RunAsync<CrmDbContext, ProcessInstance>(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == vetoed.Id))).Id;
        await Engine.CompleteAsync(await Engine.TaskAtAsync(child, "approve"), new { decision = "veto" });
        await Engine.RunJobsAsync();
        Assert.Equal(["appeal"], (await Engine.InstanceAsync(vetoed.Id)).ActiveElementIds);
    }

    [Fact]
    public async Task ParallelMultiInstance_QuorumOfThree_CancelsTheRest()
    {
        await DeployAsync("multi");
        var started = await Engine.StartAsync("reading", new { readers = FiveReaders, quorum = 3 });

        var tasks = await Engine.OpenTasksAsync(started.Id);
        Assert.Equal(["anna", "boss", "jan", "marek", "root"], tasks.Select(t => t.Assignee).Order().ToList());
        Assert.Equal(["read"], started.ActiveElementIds);
        await Engine.CompleteAsync(tasks.Single(t => t.Assignee == "jan"), null, EngineHarness.User("jan"));
        await Engine.CompleteAsync(tasks.Single(t => t.Assignee == "anna"), null, EngineHarness.User("anna"));
        Assert.Equal(3, (await Engine.OpenTasksAsync(started.Id)).Count);

        await Engine.CompleteAsync(tasks.Single(t => t.Assignee == "boss"), null, EngineHarness.User("boss"));

        var open = Assert.Single(await Engine.OpenTasksAsync(started.Id));
        Assert.Equal("after", open.ElementId);
        var cancelled = await Engine.RunAsync<CrmDbContext, int>(db => db.UserTasks.CountAsync(t => t.InstanceId == started.Id && t.Status == Crm.Workflow.Tasks.TaskStatus.Cancelled));
        Assert.Equal(2, cancelled);
    }

    [Fact]
    public async Task MultiInstance_CallActivityPerCustomer_ThenSubProcessTwice()
    {
        await DeployAsync("call-child");
        await DeployAsync("multi-call");
        var started = await Engine.StartAsync("campaign", new { customers = TwoSigners });

        var children = await Engine.RunAsync<CrmDbContext, List<ProcessInstance>>(db => db.ProcessInstances.AsNoTracking().Where(i => i.ParentInstanceId == started.Id).ToListAsync());
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.NotNull(c.ParentToken));   // parked in the child row, not in the parent's state
        Assert.Equal(["anna", "jan"], children.Select(c => InstanceState(c)).Order().ToList());
        foreach (var child in children)
        {
            await Engine.CompleteAsync(await Engine.TaskAtAsync(child.Id, "approve"), new { decision = "ok" });
        }

        Assert.Equal(2, await Engine.RunJobsAsync());

        var reviews = await Engine.OpenTasksAsync(started.Id);
        Assert.Equal(2, reviews.Count(t => t.ElementId == "look"));
        foreach (var review in reviews)
        {
            await Engine.CompleteAsync(review);
        }

        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    private static string InstanceState(ProcessInstance child) =>
        Crm.Workflow.Runtime.InstanceState.Deserialize(child.State).Root.Variables["customer"]!.GetValue<string>();

    [Fact]
    public async Task SequentialMultiInstance_OneAtATime_AndLoopCardinalityWithLoopCounter()
    {
        await DeployAsync("multi-sequential");
        var started = await Engine.StartAsync("sequential", new { signers = TwoSigners });

        var first = Assert.Single(await Engine.OpenTasksAsync(started.Id));
        Assert.Equal("anna", first.Assignee);
        await Engine.CompleteAsync(first);
        var second = Assert.Single(await Engine.OpenTasksAsync(started.Id));
        Assert.Equal("jan", second.Assignee);
        await Engine.CompleteAsync(second);

        var done = await Engine.InstanceAsync(started.Id);
        Assert.Equal("Completed", done.State);
        Assert.Equal(0 + 1 + 2, done.Variables["sum"]!.GetValue<int>());
    }

    [Fact]
    public async Task ParallelMultiInstance_TenThousandReaders_KeepsTheInstanceStateSmall()
    {
        await DeployAsync("multi");
        var readers = Enumerable.Range(0, 10_000).Select(i => $"reader{i}").ToArray();

        var started = await Engine.StartAsync("reading", new { readers, quorum = 10_000 });

        Assert.Equal(10_000, await Engine.RunAsync<CrmDbContext, int>(db => db.UserTasks.CountAsync(t => t.InstanceId == started.Id && t.Status == Crm.Workflow.Tasks.TaskStatus.Open)));
        var tasks = await Engine.RunAsync<CrmDbContext, List<Guid>>(db => db.UserTasks.Where(t => t.InstanceId == started.Id).OrderBy(t => t.Id).Take(5).Select(t => t.Id).ToListAsync());
        foreach (var id in tasks)
        {
            await Engine.RunAsync<Crm.Workflow.Tasks.CompleteTask, Crm.Workflow.Tasks.TaskView>(s => s.RunAsync(id, null, EngineHarness.Admin, CancellationToken.None));
        }

        var state = await Engine.RunAsync<CrmDbContext, string>(db => db.ProcessInstances.Where(i => i.Id == started.Id).Select(i => i.State).SingleAsync());
        // The readers list itself is a variable (~140 KB); the inner instances add nothing per reader.
        Assert.True(state.Length < 200_000, $"state is {state.Length} characters");
        Assert.Contains("\"completed\":5", state, StringComparison.Ordinal);
        Assert.Equal(9_995, await Engine.RunAsync<CrmDbContext, int>(db => db.UserTasks.CountAsync(t => t.InstanceId == started.Id && t.Status == Crm.Workflow.Tasks.TaskStatus.Open)));
    }

    [Fact]
    public async Task Migration_MovesInstancesWithMapping_AndRefusesAMappingThatStrandsWork()
    {
        await DeployAsync("migrate-v1");
        var a = await Engine.StartAsync("migrating");
        var b = await Engine.StartAsync("migrating");
        await DeployAsync("migrate-v2");

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<InstanceMigrationService, MigrationResult>(s =>
            s.MigrateAsync(new MigrationRequest("migrating", 2, null, 1, null), EngineHarness.Owner, CancellationToken.None)));
        Assert.Contains(refused.Errors.Values.SelectMany(v => v), m => m.Contains("'check'", StringComparison.Ordinal));
        var wrongKind = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<InstanceMigrationService, MigrationResult>(s =>
            s.MigrateAsync(new MigrationRequest("migrating", 2, null, 1, new() { ["check"] = "log" }), EngineHarness.Owner, CancellationToken.None)));
        Assert.Contains(wrongKind.Errors.Values.SelectMany(v => v), m => m.Contains("ServiceTask", StringComparison.Ordinal));
        Assert.Equal(1, (await Engine.InstanceAsync(a.Id)).Version);

        var result = await Engine.RunAsync<InstanceMigrationService, MigrationResult>(s =>
            s.MigrateAsync(new MigrationRequest("migrating", 2, [a.Id], null, new() { ["check"] = "verify" }), EngineHarness.Owner, CancellationToken.None));

        Assert.Equal(1, result.Migrated);
        Assert.Equal(2, (await Engine.InstanceAsync(a.Id)).Version);
        Assert.Equal(1, (await Engine.InstanceAsync(b.Id)).Version);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(a.Id, "verify"));
        Assert.Equal(["second"], (await Engine.InstanceAsync(a.Id)).ActiveElementIds);
        Assert.Contains(await Engine.HistoryAsync(a.Id), h => h.Type == "InstanceMigrated");
    }
}

public sealed class EventScenarioOnSqliteTests() : EventScenarioTests(DatabaseProvider.Sqlite);

public sealed class EventScenarioOnPostgreSqlTests() : EventScenarioTests(DatabaseProvider.PostgreSql);
