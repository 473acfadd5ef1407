using Crm.Platform.Persistence;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>
/// Camunda 7 models as people draw them (our own small models of each case): flows without ids, prefixed message
/// references, people assigned with humanPerformer/potentialOwner, and text mixed with expressions.
/// </summary>
public abstract class CamundaModelTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly string[] Approvers = ["kermit", "gonzo", "piggy"];

    private const string Head = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     xmlns:tns="http://camunda.org/examples" targetNamespace="http://camunda.org/examples" id="definitions">
        """;

    [Fact]
    public async Task FlowsWithoutIds_GetStableOnes_AndTextMixedWithExpressions_IsBuiltAsCamundaDoes()
    {
        RequireDatabase();
        var xml = Head + """
              <process id="noFlowIds" isExecutable="true">
                <startEvent id="theStart"/>
                <sequenceFlow sourceRef="theStart" targetRef="task"/>
                <userTask id="task" name="Task" camunda:assignee="kermit_${suffix}" camunda:candidateGroups="team-${team}, auditors"/>
                <sequenceFlow sourceRef="task" targetRef="label"/>
                <scriptTask id="label" scriptFormat="javascript"><script>execution.setVariable('done', true);</script></scriptTask>
                <sequenceFlow sourceRef="label" targetRef="theEnd"/>
                <endEvent id="theEnd"/>
              </process>
            </definitions>
            """;
        var deployed = await Engine.DeployXmlAsync(xml);
        Assert.Equal(deployed.Version, (await Engine.DeployXmlAsync(xml)).Version);   // the generated ids are the same each time: no new version
        var started = await Engine.StartAsync("noFlowIds", new { suffix = 7, team = "north" });
        var task = await Engine.TaskAtAsync(started.Id, "task");
        Assert.Equal("kermit_7", task.Assignee);
        Assert.Equal(["auditors", "team-north"], task.CandidateGroups.Order(StringComparer.Ordinal));
        await Engine.CompleteAsync(task);
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
        Assert.Contains(await Engine.HistoryAsync(started.Id), h => h.Type == "ElementLeft" && h.ElementId == "task");
    }

    [Fact]
    public async Task PrefixedMessageRef_IsResolved_SoAMessageStartBesideANoneStartDeploysAndStarts()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <message id="newInvoice" name="newInvoiceMessage"/>
              <process id="invoice" isExecutable="true">
                <startEvent id="byHand"/>
                <sequenceFlow id="f1" sourceRef="byHand" targetRef="review"/>
                <startEvent id="byMessage"><messageEventDefinition messageRef="tns:newInvoice"/></startEvent>
                <sequenceFlow id="f2" sourceRef="byMessage" targetRef="review"/>
                <userTask id="review" name="Review"/>
                <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var delivered = Assert.Single((await Engine.MessageAsync("newInvoiceMessage", businessKey: "INV-1")).Deliveries);
        Assert.True(delivered.StartedInstance);
        Assert.Equal("byMessage", delivered.ElementId);
        Assert.Contains("review", (await Engine.InstanceAsync(delivered.InstanceId)).ActiveElementIds);
    }

    [Fact]
    public async Task HumanPerformerAndPotentialOwner_AssignAndOfferTheTask()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="people" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="offered"/>
                <userTask id="offered" name="Offered">
                  <potentialOwner><resourceAssignmentExpression><formalExpression>user(kermit), group(management), accountancy</formalExpression></resourceAssignmentExpression></potentialOwner>
                </userTask>
                <sequenceFlow id="f2" sourceRef="offered" targetRef="assigned"/>
                <userTask id="assigned" name="Assigned">
                  <humanPerformer><resourceAssignmentExpression><formalExpression>${approver}</formalExpression></resourceAssignmentExpression></humanPerformer>
                </userTask>
                <sequenceFlow id="f3" sourceRef="assigned" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("people", new { approver = "gonzo" });
        var offered = await Engine.TaskAtAsync(started.Id, "offered");
        Assert.Equal(["kermit"], offered.CandidateUsers);
        Assert.Equal(["accountancy", "management"], offered.CandidateGroups.Order(StringComparer.Ordinal));
        Assert.Null(offered.Assignee);
        await Engine.CompleteAsync(offered);
        Assert.Equal("gonzo", (await Engine.TaskAtAsync(started.Id, "assigned")).Assignee);
    }

    [Fact]
    public async Task JuelAndEcmaScriptTasks_WithResultVariables_AndActivitiAttributes_Run()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head.Replace("xmlns:camunda=", "xmlns:activiti=\"http://activiti.org/bpmn\" xmlns:camunda=", StringComparison.Ordinal) + """
              <process id="scripts" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="sum"/>
                <scriptTask id="sum" scriptFormat="juel" camunda:resultVariable="total"><script>${a + b}</script></scriptTask>
                <sequenceFlow id="f2" sourceRef="sum" targetRef="greet"/>
                <scriptTask id="greet" scriptFormat="ECMAScript" activiti:resultVariable="greeting"><script>'Hello ' + name</script></scriptTask>
                <sequenceFlow id="f3" sourceRef="greet" targetRef="label"/>
                <scriptTask id="label" scriptFormat="juel" camunda:resultVariable="label"><script>Invoice ${no} for ${name}</script></scriptTask>
                <sequenceFlow id="f4" sourceRef="label" targetRef="wait"/>
                <userTask id="wait" name="Wait" activiti:assignee="${name}"/>
                <sequenceFlow id="f5" sourceRef="wait" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("scripts", new { a = 2, b = 40, name = "kermit", no = "FV/7" });
        var variables = (await Engine.InstanceAsync(started.Id)).Variables;
        Assert.Equal(42, variables["total"]!.GetValue<double>());
        Assert.Equal("Hello kermit", variables["greeting"]!.GetValue<string>());
        Assert.Equal("Invoice FV/7 for kermit", variables["label"]!.GetValue<string>());
        Assert.Equal("kermit", (await Engine.TaskAtAsync(started.Id, "wait")).Assignee);
    }

    [Fact]
    public async Task StandardMultiInstance_LoopDataInputRef_AndErrorCodeVariable_OnTheCatchingBoundary()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <error id="notFound" errorCode="E404"/>
              <process id="standard" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
                <userTask id="approve" name="Approve" camunda:assignee="${approver}">
                  <multiInstanceLoopCharacteristics isSequential="false">
                    <loopDataInputRef>approvers</loopDataInputRef>
                    <inputDataItem name="approver"/>
                  </multiInstanceLoopCharacteristics>
                </userTask>
                <sequenceFlow id="f2" sourceRef="approve" targetRef="check"/>
                <subProcess id="check">
                  <startEvent id="checkStart"/>
                  <sequenceFlow id="c1" sourceRef="checkStart" targetRef="missing"/>
                  <endEvent id="missing"><errorEventDefinition errorRef="tns:notFound"/></endEvent>
                </subProcess>
                <boundaryEvent id="caught" attachedToRef="check">
                  <errorEventDefinition errorRef="notFound" camunda:errorCodeVariable="failure"/>
                </boundaryEvent>
                <sequenceFlow id="f3" sourceRef="caught" targetRef="handle"/>
                <userTask id="handle" name="Handle the failure"/>
                <sequenceFlow id="f4" sourceRef="handle" targetRef="end"/>
                <sequenceFlow id="f5" sourceRef="check" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("standard", new { approvers = Approvers });
        var tasks = await Engine.OpenTasksAsync(started.Id);
        Assert.Equal(["gonzo", "kermit", "piggy"], tasks.Select(t => t.Assignee).Order(StringComparer.Ordinal));
        foreach (var task in tasks)
        {
            await Engine.CompleteAsync(task);
        }

        Assert.Contains("handle", (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        Assert.Equal("E404", (await Engine.InstanceAsync(started.Id)).Variables["failure"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReceiveTaskWithoutMessage_WaitsUntilTriggeredByItsId()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="payment" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="waitForPayment"/>
                <receiveTask id="waitForPayment" name="Wait for the payment"/>
                <boundaryEvent id="tooLate" attachedToRef="waitForPayment"><timerEventDefinition><timeDuration>P30D</timeDuration></timerEventDefinition></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="tooLate" targetRef="late"/>
                <endEvent id="late"/>
                <sequenceFlow id="f3" sourceRef="waitForPayment" targetRef="ship"/>
                <userTask id="ship" name="Ship"/>
                <sequenceFlow id="f4" sourceRef="ship" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("payment");
        Assert.Contains("waitForPayment", (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        await Assert.ThrowsAsync<Crm.Workflow.Common.ConflictException>(() => Engine.RunAsync<RuntimeService, InstanceView>(s =>
            s.TriggerAsync(started.Id, "ship", null, EngineHarness.Owner, default)));
        var after = await Engine.RunAsync<RuntimeService, InstanceView>(s => s.TriggerAsync(started.Id, "waitForPayment",
            new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["paid"] = 120 }, EngineHarness.Owner, default));
        Assert.Equal(["ship"], after.ActiveElementIds);
        Assert.Equal(120, after.Variables["paid"]!.GetValue<double>());
        Assert.Empty(await Engine.JobsAsync(started.Id));   // the boundary timer ended with the wait
    }

    [Fact]
    public async Task Signals_ThrownByAProcessOrSentByApi_ReachEveryWaitingInstance_AndStartSignalStartProcesses()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <signal id="alarm" name="alarm"/>
              <process id="listener" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                <userTask id="work" name="Work"/>
                <boundaryEvent id="interrupted" attachedToRef="work"><signalEventDefinition signalRef="tns:alarm"/></boundaryEvent>
                <sequenceFlow id="f2" sourceRef="interrupted" targetRef="react"/>
                <sequenceFlow id="f3" sourceRef="work" targetRef="done"/>
                <userTask id="react" name="React to the alarm"/>
                <sequenceFlow id="f4" sourceRef="react" targetRef="done"/>
                <endEvent id="done"/>
              </process>
            </definitions>
            """);
        await Engine.DeployXmlAsync(Head + """
              <signal id="alarmSignal" name="alarm"/>
              <process id="responder" isExecutable="true">
                <startEvent id="onAlarm"><signalEventDefinition signalRef="alarmSignal"/></startEvent>
                <sequenceFlow id="f1" sourceRef="onAlarm" targetRef="investigate"/>
                <userTask id="investigate" name="Investigate"/>
                <sequenceFlow id="f2" sourceRef="investigate" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        await Engine.DeployXmlAsync(Head + """
              <signal id="alarmSignal" name="alarm"/>
              <process id="raiser" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="raise"/>
                <intermediateThrowEvent id="raise"><signalEventDefinition signalRef="alarmSignal"/></intermediateThrowEvent>
                <sequenceFlow id="f2" sourceRef="raise" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var first = await Engine.StartAsync("listener");
        var second = await Engine.StartAsync("listener");
        var raiser = await Engine.StartAsync("raiser");
        Assert.Equal("Completed", (await Engine.InstanceAsync(raiser.Id)).State);
        await Engine.RunJobsAsync();   // the broadcast goes out after the thrower's commit
        Assert.Equal(["react"], (await Engine.InstanceAsync(first.Id)).ActiveElementIds);
        Assert.Equal(["react"], (await Engine.InstanceAsync(second.Id)).ActiveElementIds);
        var responders = await Engine.RunAsync<CrmDbContext, int>(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.ProcessInstances, i => i.ProcessKey == "responder"));
        Assert.Equal(1, responders);

        // Through the API, with variables; nobody left waiting is no error; a message cannot pose as the signal.
        var third = await Engine.StartAsync("listener");
        var sent = await Engine.RunAsync<Crm.Workflow.Messages.SignalService, Crm.Workflow.Messages.SignalResult>(s => s.BroadcastAsync(
            new Crm.Workflow.Messages.SignalRequest("alarm", new() { ["level"] = 3 }), EngineHarness.Owner, default));
        Assert.Equal((1, 1), (sent.Delivered, sent.Started));
        Assert.Equal(3, (await Engine.InstanceAsync(third.Id)).Variables["level"]!.GetValue<double>());
        var nobody = await Engine.RunAsync<Crm.Workflow.Messages.SignalService, Crm.Workflow.Messages.SignalResult>(s => s.BroadcastAsync(
            new Crm.Workflow.Messages.SignalRequest("storm", null), EngineHarness.Owner, default));
        Assert.Equal((0, 0), (nobody.Delivered, nobody.Started));
        await Assert.ThrowsAsync<Crm.Workflow.Common.ValidationFailedException>(() => Engine.MessageAsync("signal:alarm"));
    }

    [Fact]
    public async Task AsyncAfter_CommitsTheElement_ThenAJobTakesItsFlows()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="after" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
                <scriptTask id="compute" scriptFormat="javascript" camunda:asyncAfter="true" camunda:resultVariable="total"><script>a * 2</script></scriptTask>
                <sequenceFlow id="f2" sourceRef="compute" targetRef="check"/>
                <userTask id="check" name="Check" camunda:asyncAfter="true"/>
                <boundaryEvent id="late" attachedToRef="check"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
                <sequenceFlow id="f4" sourceRef="late" targetRef="tooLate"/>
                <endEvent id="tooLate"/>
                <sequenceFlow id="f3" sourceRef="check" targetRef="done"/>
                <userTask id="done" name="Done"/>
                <sequenceFlow id="f5" sourceRef="done" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("after", new { a = 21 });
        var waiting = await Engine.InstanceAsync(started.Id);
        Assert.Equal(["compute"], waiting.ActiveElementIds);        // the script ran and committed; the flow waits for its job
        Assert.Equal(42, waiting.Variables["total"]!.GetValue<double>());
        Assert.Single(await Engine.JobsAsync(started.Id));
        await Engine.RunJobsAsync();
        Assert.Equal(["check"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        Assert.Single(await Engine.HistoryAsync(started.Id), h => h.Type == "ElementEntered" && h.ElementId == "compute");   // not run twice

        // A completed task waiting for its asyncAfter job has no boundary left: its timer cannot cut in.
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "check"));
        Assert.Equal(["check"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        Engine.Clock.Advance(TimeSpan.FromHours(2));
        await Engine.RunJobsAsync();
        Assert.Equal(["done"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
    }

    [Fact]
    public async Task MessageThrowAndEndEvents_RunTheirHandler_OrPassWithoutOne()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <message id="invoiceSent" name="invoiceSent"/>
              <process id="throwing" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
                <intermediateThrowEvent id="notify"><messageEventDefinition messageRef="invoiceSent"/></intermediateThrowEvent>
                <sequenceFlow id="f2" sourceRef="notify" targetRef="send"/>
                <intermediateThrowEvent id="send" camunda:type="test.multiply"><messageEventDefinition messageRef="invoiceSent"/></intermediateThrowEvent>
                <sequenceFlow id="f3" sourceRef="send" targetRef="review"/>
                <userTask id="review" name="Review"/>
                <sequenceFlow id="f4" sourceRef="review" targetRef="sendEnd"/>
                <endEvent id="sendEnd" camunda:type="test.flaky"><messageEventDefinition/></endEvent>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("throwing", new { amount = 21, broken = false });
        var waiting = await Engine.InstanceAsync(started.Id);
        Assert.Equal(["review"], waiting.ActiveElementIds);
        Assert.Equal(42, waiting.Variables["product"]!.GetValue<double>());   // the throw event's handler ran
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "review"));
        var ended = await Engine.InstanceAsync(started.Id);
        Assert.Equal("Completed", ended.State);
        Assert.True(ended.Variables["sent"]!.GetValue<bool>());               // and the end event's
    }

    [Fact]
    public async Task InputOutputMappings_WithListsMapsAndScripts_AreBuiltAsCamundaBuildsThem()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="structured" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
                <task id="prepare">
                  <extensionElements>
                    <camunda:inputOutput>
                      <camunda:inputParameter name="approvers"><camunda:list><camunda:value>kermit</camunda:value><camunda:value>${boss}</camunda:value></camunda:list></camunda:inputParameter>
                      <camunda:inputParameter name="limits"><camunda:map><camunda:entry key="daily">${amount * 2}</camunda:entry><camunda:entry key="tags"><camunda:list><camunda:value>a</camunda:value></camunda:list></camunda:entry></camunda:map></camunda:inputParameter>
                      <camunda:outputParameter name="chosen">${approvers[1]}</camunda:outputParameter>
                      <camunda:outputParameter name="daily">${limits.daily}</camunda:outputParameter>
                      <camunda:outputParameter name="scripted"><camunda:script scriptFormat="javascript">var x = limits.tags.length; x + 40</camunda:script></camunda:outputParameter>
                    </camunda:inputOutput>
                  </extensionElements>
                </task>
                <sequenceFlow id="f2" sourceRef="prepare" targetRef="wait"/>
                <userTask id="wait" name="Wait"/>
                <sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("structured", new { boss = "gonzo", amount = 50 });
        var variables = (await Engine.InstanceAsync(started.Id)).Variables;
        Assert.Equal("gonzo", variables["chosen"]!.GetValue<string>());
        Assert.Equal(100, variables["daily"]!.GetValue<double>());
        Assert.Equal(41, variables["scripted"]!.GetValue<double>());
    }

    [Fact]
    public async Task ScriptExecutionListeners_RunOnStartAndEnd_JavaListenersAreRefusedNamingTheElement()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="listened" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                <userTask id="work" name="Work">
                  <extensionElements>
                    <camunda:executionListener event="start"><camunda:script scriptFormat="javascript">execution.setVariable('log', log.concat(['started']));</camunda:script></camunda:executionListener>
                    <camunda:executionListener event="end"><camunda:script scriptFormat="javascript">execution.setVariable('log', log.concat(['ended']));</camunda:script></camunda:executionListener>
                  </extensionElements>
                </userTask>
                <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
                <endEvent id="end">
                  <extensionElements><camunda:executionListener event="end"><camunda:script scriptFormat="javascript">execution.setVariable('finished', true);</camunda:script></camunda:executionListener></extensionElements>
                </endEvent>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("listened", new { log = Array.Empty<string>() });
        Assert.Equal(["started"], (await Engine.InstanceAsync(started.Id)).Variables["log"]!.AsArray().Select(v => v!.GetValue<string>()));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "work"));
        var ended = await Engine.InstanceAsync(started.Id);
        Assert.Equal(["started", "ended"], ended.Variables["log"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(ended.Variables["finished"]!.GetValue<bool>());

        var java = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="javaListener" isExecutable="true">
                <startEvent id="start"><extensionElements><camunda:executionListener event="start" class="org.example.Logger"/></extensionElements></startEvent>
                <sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(java.Errors, e => e.ElementId == "start" && e.Message.Contains("Java", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LinkEvents_JumpToTheCatchOfTheSameName()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="links" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="goToReview"/>
                <intermediateThrowEvent id="goToReview"><linkEventDefinition name="review"/></intermediateThrowEvent>
                <intermediateCatchEvent id="reviewHere"><linkEventDefinition name="review"/></intermediateCatchEvent>
                <sequenceFlow id="f2" sourceRef="reviewHere" targetRef="review"/>
                <userTask id="review" name="Review"/>
                <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("links");
        Assert.Equal(["review"], (await Engine.InstanceAsync(started.Id)).ActiveElementIds);
        var broken = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="brokenLink" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f1" sourceRef="start" targetRef="jump"/>
                <intermediateThrowEvent id="jump"><linkEventDefinition name="nowhere"/></intermediateThrowEvent>
              </process>
            </definitions>
            """));
        Assert.Contains(broken.Errors, e => e.ElementId == "jump" && e.Message.Contains("nowhere", StringComparison.Ordinal));
    }
}

public sealed class CamundaModelOnSqliteTests() : CamundaModelTests(DatabaseProvider.Sqlite);

public sealed class CamundaModelOnPostgreSqlTests() : CamundaModelTests(DatabaseProvider.PostgreSql);
