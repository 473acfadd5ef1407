using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>
/// Camunda 7 models as people draw them (our own small models of each case): flows without ids, prefixed message
/// references, people assigned with humanPerformer/potentialOwner, and text mixed with expressions.
/// </summary>
public abstract class CamundaModelTests(DatabaseProvider provider) : EngineTestBase(provider)
{
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
}

public sealed class CamundaModelOnSqliteTests() : CamundaModelTests(DatabaseProvider.Sqlite);

public sealed class CamundaModelOnPostgreSqlTests() : CamundaModelTests(DatabaseProvider.PostgreSql);
