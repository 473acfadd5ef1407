using Crm.Platform.Persistence;
using Crm.Workflow.Model;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>The complex gateway (split and join with an activation condition) and standard loops (loopCondition, testBefore, loopMaximum).</summary>
public abstract class GatewayAndLoopTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private const string Head = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     targetNamespace="http://camunda.org/examples" id="definitions">
        """;

    [Fact]
    public async Task ComplexJoin_FiresWhenTwoOfThreeArrived_AndSwallowsTheThird_ThenANewRoundFiresAgain()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="quotes" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f0" sourceRef="start" targetRef="ask"/>
                <parallelGateway id="ask"/>
                <sequenceFlow id="fa" sourceRef="ask" targetRef="quoteA"/>
                <sequenceFlow id="fb" sourceRef="ask" targetRef="quoteB"/>
                <sequenceFlow id="fc" sourceRef="ask" targetRef="quoteC"/>
                <userTask id="quoteA" name="Quote A"/>
                <userTask id="quoteB" name="Quote B"/>
                <userTask id="quoteC" name="Quote C"/>
                <sequenceFlow id="ja" sourceRef="quoteA" targetRef="enough"/>
                <sequenceFlow id="jb" sourceRef="quoteB" targetRef="enough"/>
                <sequenceFlow id="jc" sourceRef="quoteC" targetRef="enough"/>
                <complexGateway id="enough">
                  <activationCondition xsi:type="tFormalExpression">${activationCount >= 2}</activationCondition>
                </complexGateway>
                <sequenceFlow id="f1" sourceRef="enough" targetRef="choose"/>
                <userTask id="choose" name="Choose a supplier"/>
                <sequenceFlow id="f2" sourceRef="choose" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("quotes");
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "quoteB"));
        Assert.DoesNotContain(await Engine.OpenTasksAsync(started.Id), t => t.ElementId == "choose");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "quoteC"));
        Assert.Equal(["choose", "quoteA"], (await Engine.OpenTasksAsync(started.Id)).Select(t => t.ElementId).Order());

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "quoteA"));   // the latecomer is swallowed
        Assert.Equal(["choose"], (await Engine.OpenTasksAsync(started.Id)).Select(t => t.ElementId));
        Assert.Single(await Engine.HistoryAsync(started.Id), h => h.Type == "ElementLeft" && h.ElementId == "enough");

        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "choose"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    [Fact]
    public async Task ComplexJoin_ASecondTokenOnAFlowThatAlreadyDelivered_StartsTheNextRound()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="rounds" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f0" sourceRef="start" targetRef="merge"/>
                <exclusiveGateway id="merge"/>
                <sequenceFlow id="fm" sourceRef="merge" targetRef="fork"/>
                <parallelGateway id="fork"/>
                <sequenceFlow id="fa" sourceRef="fork" targetRef="a"/>
                <sequenceFlow id="fb" sourceRef="fork" targetRef="b"/>
                <userTask id="a" name="A"/>
                <userTask id="b" name="B"/>
                <sequenceFlow id="ja" sourceRef="a" targetRef="join"/>
                <sequenceFlow id="jb" sourceRef="b" targetRef="join"/>
                <complexGateway id="join">
                  <activationCondition xsi:type="tFormalExpression">${activationCount >= 1}</activationCondition>
                </complexGateway>
                <sequenceFlow id="f1" sourceRef="join" targetRef="check"/>
                <userTask id="check" name="Check" crm:writes="again" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0"/>
                <sequenceFlow id="f2" sourceRef="check" targetRef="more"/>
                <exclusiveGateway id="more" default="done"/>
                <sequenceFlow id="back" sourceRef="more" targetRef="merge"><conditionExpression xsi:type="tFormalExpression">${again}</conditionExpression></sequenceFlow>
                <sequenceFlow id="done" sourceRef="more" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("rounds", new { again = false });
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "a"));
        await Engine.CompleteAsync(await Engine.TaskAtAsync(started.Id, "check"), new { again = true });

        // Round 1's B is still open; the new A arrives on a flow that already delivered: a new round, which fires.
        var secondA = (await Engine.OpenTasksAsync(started.Id)).Single(t => t.ElementId == "a");
        await Engine.CompleteAsync(secondA);
        Assert.Contains(await Engine.OpenTasksAsync(started.Id), t => t.ElementId == "check");
        Assert.Equal(2, (await Engine.HistoryAsync(started.Id)).Count(h => h.Type == "ElementLeft" && h.ElementId == "join"));
    }

    [Fact]
    public async Task ComplexSplitWithConditions_AndAJoinWithoutCondition_WaitsOnlyForTheBranchesTaken()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="checks" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
                <complexGateway id="split" default="toBasic"/>
                <sequenceFlow id="toLegal" sourceRef="split" targetRef="legal"><conditionExpression xsi:type="tFormalExpression">${amount > 1000}</conditionExpression></sequenceFlow>
                <sequenceFlow id="toBoard" sourceRef="split" targetRef="board"><conditionExpression xsi:type="tFormalExpression">${amount > 50000}</conditionExpression></sequenceFlow>
                <sequenceFlow id="toBasic" sourceRef="split" targetRef="basic"/>
                <userTask id="legal" name="Legal check"/>
                <userTask id="board" name="Board check"/>
                <userTask id="basic" name="Basic check"/>
                <sequenceFlow id="j1" sourceRef="legal" targetRef="join"/>
                <sequenceFlow id="j2" sourceRef="board" targetRef="join"/>
                <sequenceFlow id="j3" sourceRef="basic" targetRef="join"/>
                <complexGateway id="join"/>
                <sequenceFlow id="f1" sourceRef="join" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var small = await Engine.StartAsync("checks", new { amount = 10 });
        await Engine.CompleteAsync(Assert.Single(await Engine.OpenTasksAsync(small.Id), t => t.ElementId == "basic"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(small.Id)).State);

        var large = await Engine.StartAsync("checks", new { amount = 60000 });
        Assert.Equal(["board", "legal"], (await Engine.OpenTasksAsync(large.Id)).Select(t => t.ElementId).Order());
        await Engine.CompleteAsync(await Engine.TaskAtAsync(large.Id, "legal"));
        Assert.Equal("Active", (await Engine.InstanceAsync(large.Id)).State);
        await Engine.CompleteAsync(await Engine.TaskAtAsync(large.Id, "board"));
        Assert.Equal("Completed", (await Engine.InstanceAsync(large.Id)).State);
    }

    [Fact]
    public async Task StandardLoop_RunsWhileTheConditionHolds_TestBeforeCanSkip_AndTheMaximumStopsAPersonsTask()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync(Head + """
              <process id="loops" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f0" sourceRef="start" targetRef="count"/>
                <scriptTask id="count" scriptFormat="javascript">
                  <standardLoopCharacteristics><loopCondition xsi:type="tFormalExpression">${loopCounter &lt; 3}</loopCondition></standardLoopCharacteristics>
                  <script>execution.setVariable('runs', runs + 1);</script>
                </scriptTask>
                <sequenceFlow id="f1" sourceRef="count" targetRef="never"/>
                <scriptTask id="never" scriptFormat="javascript">
                  <standardLoopCharacteristics testBefore="true"><loopCondition xsi:type="tFormalExpression">${runs &gt; 100}</loopCondition></standardLoopCharacteristics>
                  <script>execution.setVariable('skipped', false);</script>
                </scriptTask>
                <sequenceFlow id="f2" sourceRef="never" targetRef="review"/>
                <userTask id="review" name="Review round ${loopCounter}">
                  <standardLoopCharacteristics loopMaximum="2"/>
                </userTask>
                <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """);
        var started = await Engine.StartAsync("loops", new { runs = 0, skipped = true });
        var first = Assert.Single(await Engine.OpenTasksAsync(started.Id));
        Assert.Equal("Review round 0", first.Name);
        var running = await Engine.InstanceAsync(started.Id);
        Assert.Equal(3, running.Variables["runs"]!.GetValue<double>());
        Assert.True(running.Variables["skipped"]!.GetValue<bool>());

        await Engine.CompleteAsync(first);
        var second = Assert.Single(await Engine.OpenTasksAsync(started.Id));
        Assert.Equal("Review round 1", second.Name);
        await Engine.CompleteAsync(second);
        Assert.Equal("Completed", (await Engine.InstanceAsync(started.Id)).State);
    }

    [Fact]
    public async Task StandardLoopWithoutConditionOrMaximum_IsRefusedNamingTheActivity()
    {
        RequireDatabase();
        var refused = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Head + """
              <process id="forever" isExecutable="true">
                <startEvent id="start"/>
                <sequenceFlow id="f0" sourceRef="start" targetRef="spin"/>
                <task id="spin"><standardLoopCharacteristics/></task>
                <sequenceFlow id="f1" sourceRef="spin" targetRef="end"/>
                <endEvent id="end"/>
              </process>
            </definitions>
            """));
        Assert.Contains(refused.Errors, e => e.ElementId == "spin" && e.Message.Contains("loopCondition", StringComparison.Ordinal));
    }
}

public sealed class GatewayAndLoopOnSqliteTests() : GatewayAndLoopTests(DatabaseProvider.Sqlite);

public sealed class GatewayAndLoopOnPostgreSqlTests() : GatewayAndLoopTests(DatabaseProvider.PostgreSql);
