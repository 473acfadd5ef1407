using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Model;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>
/// Event sub-processes (<c>triggeredByEvent="true"</c>) as Camunda 7 runs them: message, timer, signal and error
/// starts, interrupting and not, at process level and inside a sub-process.
/// </summary>
public abstract class EventSubProcessTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private const string Head = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     targetNamespace="http://camunda.org/examples" id="definitions">
        """;

    [Fact]
    public async Task ProcessLevel_TimerCycleRunsBeside_ThenAMessageInterruptsEverything()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <message id="cancelMessage" name="cancelOrder"/>
              <process id="order" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="pack"/>
                <userTask id="pack" name="Pack"/>
                <sequenceFlow id="f2" sourceRef="pack" targetRef="end"/>
                <endEvent id="end"/>
                <subProcess id="onCancel" triggeredByEvent="true">
                  <startEvent id="cancelled"><messageEventDefinition messageRef="cancelMessage"/></startEvent>
                  <sequenceFlow id="c1" sourceRef="cancelled" targetRef="refund"/>
                  <userTask id="refund" name="Refund"/>
                  <sequenceFlow id="c2" sourceRef="refund" targetRef="cancelEnd"/>
                  <endEvent id="cancelEnd"/>
                </subProcess>
                <subProcess id="reminders" triggeredByEvent="true">
                  <startEvent id="hourly" isInterrupting="false"><timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition></startEvent>
                  <sequenceFlow id="r1" sourceRef="hourly" targetRef="count"/>
                  <scriptTask id="count" scriptFormat="javascript"><script>execution.setVariable('reminded', reminded + 1);</script></scriptTask>
                  <sequenceFlow id="r2" sourceRef="count" targetRef="remindEnd"/>
                  <endEvent id="remindEnd"/>
                </subProcess>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("order", new { reminded = 0 }, businessKey: "ORD-1");
        Assert.Equal(["pack"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        for (var hour = 1; hour <= 3; hour++)
        {
            await Engine.AdvanceAsync(TimeSpan.FromHours(1));
        }

        var running = await Engine.InstanceAsync(started.Id);
        Assert.Equal(2, running.Variables["reminded"]!.GetValue<double>());   // R2: twice, beside the packing
        Assert.Equal(["pack"], running.ActiveElementIds);

        var delivered = Assert.Single((await Engine.MessageAsync("cancelOrder", businessKey: "ORD-1")).Deliveries);
        Assert.Equal("cancelled", delivered.ElementId);
        var cancelled = await Engine.InstanceAsync(started.Id);
        Assert.Equal(["refund"], cancelled.ActiveElementIds);
        Assert.DoesNotContain(await Engine.OpenTasksAsync(started.Id), t => t.ElementId == "pack");
        Assert.Contains(await Engine.HistoryAsync(started.Id), h => h.Type == "ElementCancelled" && h.ElementId == "pack");
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.MessageAsync("cancelOrder", businessKey: "ORD-1"));   // interrupted: it listens no more
        Assert.Empty(await Engine.JobsAsync(started.Id));

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "refund"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    [Fact]
    public async Task InsideASubProcess_AnErrorGoesToItsEventSubProcessBeforeTheBoundary_AndTheSubProcessThenCompletes()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <error id="outOfStock" errorCode="OUT_OF_STOCK"/>
              <process id="fulfil" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="pick"/>
                <subProcess id="pick">
                  <startEvent id="pickStart"/>
                  <sequenceFlow id="p1" sourceRef="pickStart" targetRef="inStock"/>
                  <exclusiveGateway id="inStock" default="p3"/>
                  <sequenceFlow id="p2" sourceRef="inStock" targetRef="noStock"><conditionExpression>${available == false}</conditionExpression></sequenceFlow>
                  <sequenceFlow id="p3" sourceRef="inStock" targetRef="pickIt"/>
                  <endEvent id="noStock"><errorEventDefinition errorRef="outOfStock"/></endEvent>
                  <userTask id="pickIt" name="Pick"/>
                  <sequenceFlow id="p4" sourceRef="pickIt" targetRef="pickEnd"/>
                  <endEvent id="pickEnd"/>
                  <subProcess id="handleStock" triggeredByEvent="true">
                    <startEvent id="stockError"><errorEventDefinition errorRef="outOfStock" camunda:errorCodeVariable="why"/></startEvent>
                    <sequenceFlow id="h1" sourceRef="stockError" targetRef="reorder"/>
                    <userTask id="reorder" name="Reorder"/>
                    <sequenceFlow id="h2" sourceRef="reorder" targetRef="handled"/>
                    <endEvent id="handled"/>
                  </subProcess>
                </subProcess>
                <boundaryEvent id="pickFailed" attachedToRef="pick"><errorEventDefinition/></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="pickFailed" targetRef="failed"/>
                <endEvent id="failed"/>
                <sequenceFlow id="f3" sourceRef="pick" targetRef="ship"/>
                <userTask id="ship" name="Ship"/>
                <sequenceFlow id="f4" sourceRef="ship" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("fulfil", new { available = false });
        var handling = await Engine.InstanceAsync(started.Id);
        Assert.Equal(["reorder"], handling.ActiveElementIds);
        Assert.Equal("OUT_OF_STOCK", handling.Variables["why"]!.GetValue<string>());
        Assert.DoesNotContain(await Engine.HistoryAsync(started.Id), h => h.ElementId == "pickFailed");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "reorder"));
        Assert.Equal(["ship"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);   // the sub-process ended normally
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "ship"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    [Fact]
    public async Task NonInterruptingMessage_FiresEachTime_AndTheSubProcessWaitsForItsEventSubProcesses()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <message id="questionMessage" name="question"/>
              <signal id="escalateSignal" name="escalate"/>
              <process id="support" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="case"/>
                <subProcess id="case">
                  <startEvent id="caseStart"/>
                  <sequenceFlow id="c1" sourceRef="caseStart" targetRef="solve"/>
                  <userTask id="solve" name="Solve"/>
                  <sequenceFlow id="c2" sourceRef="solve" targetRef="caseEnd"/>
                  <endEvent id="caseEnd"/>
                  <subProcess id="questions" triggeredByEvent="true">
                    <startEvent id="asked" isInterrupting="false"><messageEventDefinition messageRef="questionMessage"/></startEvent>
                    <sequenceFlow id="q1" sourceRef="asked" targetRef="answer"/>
                    <userTask id="answer" name="Answer"/>
                    <sequenceFlow id="q2" sourceRef="answer" targetRef="answered"/>
                    <endEvent id="answered"/>
                  </subProcess>
                  <subProcess id="escalation" triggeredByEvent="true">
                    <startEvent id="escalated" isInterrupting="false"><signalEventDefinition signalRef="escalateSignal"/></startEvent>
                    <sequenceFlow id="e1" sourceRef="escalated" targetRef="inform"/>
                    <userTask id="inform" name="Inform the manager"/>
                    <sequenceFlow id="e2" sourceRef="inform" targetRef="informed"/>
                    <endEvent id="informed"/>
                  </subProcess>
                </subProcess>
                <sequenceFlow id="f2" sourceRef="case" targetRef="close"/>
                <userTask id="close" name="Close"/>
                <sequenceFlow id="f3" sourceRef="close" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("support", businessKey: "CASE-7");
        await Engine.MessageAsync("question", businessKey: "CASE-7", variables: new { asker = "first" });
        await Engine.MessageAsync("question", businessKey: "CASE-7", variables: new { asker = "second" });
        await Engine.RunAsync<Crm.Workflow.Messages.SignalService, Crm.Workflow.Messages.SignalResult>(s => s.BroadcastAsync(
            new Crm.Workflow.Messages.SignalRequest("escalate", null), EngineHarness.Owner, default));
        var tasks = await Engine.OpenTasksAsync(started.Id);
        Assert.Equal(["answer", "answer", "inform", "solve"], tasks.Select(t => t.ElementId).Order(StringComparer.Ordinal));

        // The main path ends; the sub-process still runs its event sub-processes, then completes.
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "solve"));
        foreach (var task in (await Engine.OpenTasksAsync(started.Id)).Where(t => t.ElementId == "answer"))
        {
            Assert.NotEqual("Completed", (await Engine.InstanceAsync(started.Id)).State);
            Assert.DoesNotContain("close", (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
            await Engine.CompleteAsync(task);
        }

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "inform"));
        Assert.Equal(["close"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.MessageAsync("question", businessKey: "CASE-7"));   // its scope has ended
    }

    [Fact]
    public async Task Escalations_ReachTheEventSubProcessOrTheBoundary_InterruptingOrNot_AndUncaughtOnesPassBy()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <escalation id="late" escalationCode="LATE"/>
              <escalation id="vip" escalationCode="VIP"/>
              <escalation id="nobodyListens" escalationCode="QUIET"/>
              <process id="escalating" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="handle"/>
                <subProcess id="handle">
                  <startEvent id="hs"/>
                  <sequenceFlow id="h1" sourceRef="hs" targetRef="split"/>
                  <parallelGateway id="split"/>
                  <sequenceFlow id="h2" sourceRef="split" targetRef="tellManager"/>
                  <sequenceFlow id="h3" sourceRef="split" targetRef="quiet"/>
                  <intermediateThrowEvent id="tellManager"><escalationEventDefinition escalationRef="late"/></intermediateThrowEvent>
                  <sequenceFlow id="h4" sourceRef="tellManager" targetRef="work"/>
                  <intermediateThrowEvent id="quiet"><escalationEventDefinition escalationRef="nobodyListens"/></intermediateThrowEvent>
                  <sequenceFlow id="h5" sourceRef="quiet" targetRef="review"/>
                  <userTask id="review" name="Review"/>
                  <sequenceFlow id="h6" sourceRef="review" targetRef="reviewed"/>
                  <endEvent id="reviewed"/>
                  <userTask id="work" name="Work"/>
                  <sequenceFlow id="h7" sourceRef="work" targetRef="isVip"/>
                  <exclusiveGateway id="isVip" default="h9"/>
                  <sequenceFlow id="h8" sourceRef="isVip" targetRef="vipEnd"><conditionExpression>${vip == true}</conditionExpression></sequenceFlow>
                  <sequenceFlow id="h9" sourceRef="isVip" targetRef="workDone"/>
                  <endEvent id="vipEnd"><escalationEventDefinition escalationRef="vip"/></endEvent>
                  <endEvent id="workDone"/>
                  <subProcess id="informManager" triggeredByEvent="true">
                    <startEvent id="lateStart" isInterrupting="false"><escalationEventDefinition escalationRef="late"/></startEvent>
                    <sequenceFlow id="i1" sourceRef="lateStart" targetRef="inform"/>
                    <userTask id="inform" name="Inform the manager"/>
                    <sequenceFlow id="i2" sourceRef="inform" targetRef="informed"/>
                    <endEvent id="informed"/>
                  </subProcess>
                </subProcess>
                <boundaryEvent id="toVipDesk" attachedToRef="handle"><escalationEventDefinition escalationRef="vip"/></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="toVipDesk" targetRef="vipDesk"/>
                <userTask id="vipDesk" name="VIP desk"/>
                <sequenceFlow id="f3" sourceRef="vipDesk" targetRef="end"/>
                <sequenceFlow id="f4" sourceRef="handle" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("escalating", new { vip = true });
        // LATE starts the non-interrupting event sub-process beside the work; QUIET reaches no one and the flow goes on.
        Assert.Equal(["inform", "review", "work"], (await Engine.OpenTasksAsync(started.Id)).Select(t => t.ElementId).Order(StringComparer.Ordinal));
        Assert.Contains(await Engine.HistoryAsync(started.Id), h => h.Type == "EscalationThrown" && h.ElementId == "quiet");

        // VIP at the end of the work: the interrupting boundary on the sub-process takes over; its open tasks go.
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "work"));
        Assert.Equal(["vipDesk"], (await Engine.OpenTasksAsync(started.Id)).Select(t => t.ElementId));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "vipDesk"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);

        var refused = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <escalation id="e" escalationCode="E"/>
              <process id="badEscalation" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
                <userTask id="task"/>
                <boundaryEvent id="onTask" attachedToRef="task"><escalationEventDefinition escalationRef="e"/></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="onTask" targetRef="end"/>
                <sequenceFlow id="f3" sourceRef="task" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(refused.Errors, e => e.ElementId == "onTask" && e.Message.Contains("sub-process or call activity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConditionalEvents_CatchBoundaryAndEventSubProcess_FireWhenVariablesMakeThemTrue()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="conditional" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="waitForStock"/>
                <intermediateCatchEvent id="waitForStock"><conditionalEventDefinition><condition>${stock >= ordered}</condition></conditionalEventDefinition></intermediateCatchEvent>
                <sequenceFlow id="f2" sourceRef="waitForStock" targetRef="pack"/>
                <userTask id="pack" name="Pack" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" crm:writes="vip"/>
                <boundaryEvent id="tooBig" attachedToRef="pack"><conditionalEventDefinition><condition>${ordered > 100}</condition></conditionalEventDefinition></boundaryEvent>
                <sequenceFlow id="f3" sourceRef="tooBig" targetRef="split"/>
                <userTask id="split" name="Split the order"/>
                <sequenceFlow id="f4" sourceRef="split" targetRef="end"/>
                <sequenceFlow id="f5" sourceRef="pack" targetRef="end"/>
                <endEvent id="end"/>
                <subProcess id="vipWatch" triggeredByEvent="true">
                  <startEvent id="becameVip" isInterrupting="false"><conditionalEventDefinition><condition>${vip == true}</condition></conditionalEventDefinition></startEvent>
                  <sequenceFlow id="v1" sourceRef="becameVip" targetRef="greet"/>
                  <userTask id="greet" name="Greet the VIP"/>
                  <sequenceFlow id="v2" sourceRef="greet" targetRef="greeted"/>
                  <endEvent id="greeted"/>
                </subProcess>
              </process>
            </definitions>
            """);
        // Already true on arrival: the catch event passes at once.
        var ready = await Engine.StartAsync("conditional", new { stock = 5, ordered = 3, vip = false });
        Assert.Equal(["pack"], (await Engine.InstanceAsync(ready.Id)).ActiveElementIds);

        // Not yet: it waits until a step changes the variables (here a message with new stock).
        await Engine.DeployXmlAsync(Head + """
              <message id="restocked" name="restocked"/>
              <process id="restock" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
                <parallelGateway id="split"/>
                <sequenceFlow id="f2" sourceRef="split" targetRef="delivery"/>
                <sequenceFlow id="f3" sourceRef="split" targetRef="enough"/>
                <receiveTask id="delivery" messageRef="restocked"/>
                <sequenceFlow id="f4" sourceRef="delivery" targetRef="deliveryEnd"/>
                <endEvent id="deliveryEnd"/>
                <intermediateCatchEvent id="enough"><conditionalEventDefinition><condition>${stock >= 10}</condition></conditionalEventDefinition></intermediateCatchEvent>
                <sequenceFlow id="f5" sourceRef="enough" targetRef="ship"/>
                <userTask id="ship" name="Ship"/>
                <sequenceFlow id="f6" sourceRef="ship" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var waiting = await Engine.StartAsync("restock", new { stock = 2 }, businessKey: "R-1");
        Assert.Equal(["delivery", "enough"], (await Engine.InstanceAsync(waiting.Id)).ActiveElementIds.Order(StringComparer.Ordinal));
        await Engine.MessageAsync("restocked", businessKey: "R-1", variables: new { stock = 12 });
        Assert.Equal(["ship"], (await Engine.InstanceAsync(waiting.Id)).ActiveElementIds);

        // The non-interrupting event sub-process starts when vip turns true; the boundary interrupts packing when the order grows.
        await Engine.CompleteAsync(await Engine.TaskAtAsync(ready.Id, "pack"), new { vip = true }, EngineHarness.Admin);
        Assert.Equal(["greet"], (await Engine.InstanceAsync(ready.Id)).ActiveElementIds);   // the main path ended; the greeting runs on
        var second = await Engine.StartAsync("conditional", new { stock = 500, ordered = 3, vip = false });
        var big = await Engine.StartAsync("conditional", new { stock = 500, ordered = 300, vip = false });
        Assert.Equal(["split"], (await Engine.InstanceAsync(big.Id)).ActiveElementIds);   // true as soon as packing began
        Assert.Contains(await Engine.HistoryAsync(big.Id), h => h.Type == "ElementCancelled" && h.ElementId == "pack");
        Assert.Equal(["pack"], (await Engine.InstanceAsync(second.Id)).ActiveElementIds);
    }

    [Fact]
    public async Task EscalationsFromACalledProcess_ReachTheCallActivity_BesideOrInterrupting()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <escalation id="help" escalationCode="HELP"/>
              <escalation id="stop" escalationCode="STOP"/>
              <process id="child" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="c1" sourceRef="start" targetRef="askHelp"/>
                <intermediateThrowEvent id="askHelp"><escalationEventDefinition escalationRef="help"/></intermediateThrowEvent>
                <sequenceFlow id="c2" sourceRef="askHelp" targetRef="work"/>
                <userTask id="work" name="Work"/>
                <sequenceFlow id="c3" sourceRef="work" targetRef="giveUp"/>
                <endEvent id="giveUp"><escalationEventDefinition escalationRef="stop"/></endEvent>
              </process>
            </definitions>
            """);
        await Engine.DeployXmlAsync(Head + """
              <escalation id="help" escalationCode="HELP"/>
              <escalation id="stop" escalationCode="STOP"/>
              <process id="parent" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="p1" sourceRef="start" targetRef="call"/>
                <callActivity id="call" calledElement="child"/>
                <boundaryEvent id="helpWanted" attachedToRef="call" cancelActivity="false"><escalationEventDefinition escalationRef="help"/></boundaryEvent>
                <sequenceFlow id="p2" sourceRef="helpWanted" targetRef="help"/>
                <userTask id="help" name="Help"/>
                <sequenceFlow id="p3" sourceRef="help" targetRef="helped"/>
                <endEvent id="helped"/>
                <boundaryEvent id="stopped" attachedToRef="call"><escalationEventDefinition escalationRef="stop"/></boundaryEvent>
                <sequenceFlow id="p4" sourceRef="stopped" targetRef="review"/>
                <userTask id="review" name="Review the stop"/>
                <sequenceFlow id="p5" sourceRef="review" targetRef="end"/>
                <sequenceFlow id="p6" sourceRef="call" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var parent = await Engine.StartAsync("parent");
        await Engine.RunJobsAsync();   // the escalation goes to the parent after the child's step commits
        Assert.Equal(["call", "help"], (await Engine.InstanceAsync(parent.Id)).ActiveElementIds.Order(StringComparer.Ordinal));

        // The child ends with STOP: the interrupting boundary catches it before the call activity completes.
        var child = (await Engine.RunAsync<Crm.Platform.Persistence.CrmDbContext, Guid>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            System.Linq.Queryable.Select(System.Linq.Queryable.Where(db.ProcessInstances, i => i.ParentInstanceId == parent.Id), i => i.Id))));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(child, "work"));
        await Engine.RunJobsAsync();
        Assert.Equal(["help", "review"], (await Engine.InstanceAsync(parent.Id)).ActiveElementIds.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(await Engine.HistoryAsync(parent.Id), h => h.Type == "ElementLeft" && h.ElementId == "end");
    }

    [Fact]
    public async Task Compensation_RunsTheHandlersOfCompletedActivities_NewestFirst_ThenTheFlowGoesOn()
    {
        RequireDatabase();
        const string model = """
              <process id="trip" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="bookHotel"/>
                <scriptTask id="bookHotel" scriptFormat="javascript"><script>execution.setVariable('booked', booked.concat(['hotel']));</script></scriptTask>
                <boundaryEvent id="hotelComp" attachedToRef="bookHotel"><compensateEventDefinition/></boundaryEvent>
                <scriptTask id="cancelHotel" isForCompensation="true" scriptFormat="javascript"><script>execution.setVariable('undone', undone.concat(['hotel']));</script></scriptTask>
                <association id="a1" sourceRef="hotelComp" targetRef="cancelHotel"/>
                <sequenceFlow id="f2" sourceRef="bookHotel" targetRef="bookFlight"/>
                <scriptTask id="bookFlight" scriptFormat="javascript"><script>execution.setVariable('booked', booked.concat(['flight']));</script></scriptTask>
                <boundaryEvent id="flightComp" attachedToRef="bookFlight"><compensateEventDefinition/></boundaryEvent>
                <userTask id="cancelFlight" name="Cancel the flight by phone" isForCompensation="true"/>
                <association id="a2" sourceRef="flightComp" targetRef="cancelFlight"/>
                <sequenceFlow id="f3" sourceRef="bookFlight" targetRef="paid"/>
                <exclusiveGateway id="paid" default="f5"/>
                <sequenceFlow id="f4" sourceRef="paid" targetRef="undoAll"><conditionExpression>${payment == 'failed'}</conditionExpression></sequenceFlow>
                <sequenceFlow id="f5" sourceRef="paid" targetRef="done"/>
                <intermediateThrowEvent id="undoAll"><compensateEventDefinition/></intermediateThrowEvent>
                <sequenceFlow id="f6" sourceRef="undoAll" targetRef="tellCustomer"/>
                <userTask id="tellCustomer" name="Tell the customer"/>
                <sequenceFlow id="f7" sourceRef="tellCustomer" targetRef="done"/>
                <endEvent id="done"/>
              </process>
            </definitions>
            """;
        await Engine.DeployXmlAsync(Head + model);
        var failed = await Engine.StartAsync("trip", new { booked = Array.Empty<string>(), undone = Array.Empty<string>(), payment = "failed" });
        // Newest first: the flight's handler (a person) runs before the hotel's; the throw event waits for both.
        Assert.Equal(["cancelFlight", "undoAll"], (await Engine.InstanceAsync(failed.Id)).ActiveElementIds.Order(StringComparer.Ordinal));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(failed.Id, "cancelFlight"));
        var compensated = await Engine.InstanceAsync(failed.Id);
        Assert.Equal(["tellCustomer"], compensated.ActiveElementIds);
        Assert.Equal(["hotel"], compensated.Variables["undone"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains(await Engine.HistoryAsync(failed.Id), h => h.Type == "CompensationThrown" && h.ElementId == "undoAll");

        var paid = await Engine.StartAsync("trip", new { booked = Array.Empty<string>(), undone = Array.Empty<string>(), payment = "ok" });
        Assert.Equal("Completed", (await Engine.InstanceAsync(paid.Id)).State);   // nothing thrown, nothing undone

        // Only the hotel, from an end event naming it.
        await Engine.DeployXmlAsync(Head + model.Replace("id=\"trip\"", "id=\"hotelOnly\"", StringComparison.Ordinal)
            .Replace("<intermediateThrowEvent id=\"undoAll\"><compensateEventDefinition/></intermediateThrowEvent>", "<endEvent id=\"undoAll\"><compensateEventDefinition activityRef=\"bookHotel\"/></endEvent>", StringComparison.Ordinal)
            .Replace("<sequenceFlow id=\"f6\" sourceRef=\"undoAll\" targetRef=\"tellCustomer\"/>", "", StringComparison.Ordinal)
            .Replace("<userTask id=\"tellCustomer\" name=\"Tell the customer\"/>", "", StringComparison.Ordinal)
            .Replace("<sequenceFlow id=\"f7\" sourceRef=\"tellCustomer\" targetRef=\"done\"/>", "", StringComparison.Ordinal));
        var hotelOnly = await Engine.StartAsync("hotelOnly", new { booked = Array.Empty<string>(), undone = Array.Empty<string>(), payment = "failed" });
        var ended = await Engine.InstanceAsync(hotelOnly.Id);
        Assert.Equal("Completed", ended.State);
        Assert.Equal(["hotel"], ended.Variables["undone"]!.AsArray().Select(v => v!.GetValue<string>()));

        var missing = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + model.Replace("id=\"trip\"", "id=\"noHandler\"", StringComparison.Ordinal)
            .Replace("<association id=\"a1\" sourceRef=\"hotelComp\" targetRef=\"cancelHotel\"/>", "", StringComparison.Ordinal)));
        Assert.Contains(missing.Errors, e => e.ElementId == "hotelComp" && e.Message.Contains("association", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadEventSubProcesses_AreRefused_NamingTheElement()
    {
        RequireDatabase();
        var noTrigger = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="badEvent" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <endEvent id="end"/>
                <subProcess id="plain" triggeredByEvent="true">
                  <startEvent id="noneStart"/>
                  <sequenceFlow id="p1" sourceRef="noneStart" targetRef="plainEnd"/>
                  <endEvent id="plainEnd"/>
                </subProcess>
              </process>
            </definitions>
            """));
        Assert.Contains(noTrigger.Errors, e => e.ElementId == "plain" && e.Message.Contains("exactly one start event", StringComparison.Ordinal));

        var empty = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="emptyEvent" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <endEvent id="end"/>
                <subProcess id="nothingInside" triggeredByEvent="true"/>
              </process>
            </definitions>
            """));
        Assert.Contains(empty.Errors, e => e.ElementId == "nothingInside");

        var errorStartAtTop = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <error id="e" errorCode="E"/>
              <process id="badStart" isExecutable="true">
                <startEvent id="start"><errorEventDefinition errorRef="e"/></startEvent>
                <sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(errorStartAtTop.Errors, e => e.ElementId == "start" && e.Message.Contains("event sub-process", StringComparison.Ordinal));
    }
}

public sealed class EventSubProcessOnSqliteTests() : EventSubProcessTests(DatabaseProvider.Sqlite);

public sealed class EventSubProcessOnPostgreSqlTests() : EventSubProcessTests(DatabaseProvider.PostgreSql);
