using Crm.Platform.Persistence;
using Crm.Workflow.Decisions;
using Crm.Workflow.Model;
using Crm.Workflow.Runtime;
using Xunit;

namespace Crm.Engine.Tests.Decisions;

/// <summary>Business-rule tasks calling deployed DMN decisions, as Camunda 7 models write them, on SQLite and PostgreSQL.</summary>
public abstract class BusinessRuleTaskTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static string Discounts(string gold) => $"""
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="discounts" name="Discounts" namespace="http://camunda.org/schema/1.0/dmn">
          <decision id="discount" name="Customer discount">
            <decisionTable id="discountTable" hitPolicy="FIRST">
              <input id="tier" label="Customer tier"><inputExpression id="tierExpr" typeRef="string"><text>tier</text></inputExpression></input>
              <input id="amount" label="Order amount"><inputExpression id="amountExpr" typeRef="number"><text>amount</text></inputExpression></input>
              <output id="percent" label="Discount %" name="percent" typeRef="number"/>
              <output id="approval" label="Needs approval" name="approval" typeRef="boolean"/>
              <rule id="goldBig"><inputEntry><text>"gold"</text></inputEntry><inputEntry><text>&gt;= 10000</text></inputEntry><outputEntry><text>{gold}</text></outputEntry><outputEntry><text>true</text></outputEntry></rule>
              <rule id="gold"><inputEntry><text>"gold"</text></inputEntry><inputEntry><text>-</text></inputEntry><outputEntry><text>5</text></outputEntry><outputEntry><text>false</text></outputEntry></rule>
              <rule id="others"><inputEntry><text>-</text></inputEntry><inputEntry><text>-</text></inputEntry><outputEntry><text>0</text></outputEntry><outputEntry><text>false</text></outputEntry></rule>
            </decisionTable>
          </decision>
        </definitions>
        """;

    private const string Process = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://camunda.org/examples" id="defs">
          <process id="order" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
            <businessRuleTask id="decide" camunda:decisionRef="discount" camunda:resultVariable="discount" camunda:mapDecisionResult="singleResult"/>
            <sequenceFlow id="f2" sourceRef="decide" targetRef="pinned"/>
            <businessRuleTask id="pinned" camunda:decisionRef="discount" camunda:decisionRefBinding="version" camunda:decisionRefVersion="1" camunda:resultVariable="firstResult"/>
            <sequenceFlow id="f3" sourceRef="pinned" targetRef="approve"/>
            <exclusiveGateway id="approve" default="f5"/>
            <sequenceFlow id="f4" sourceRef="approve" targetRef="approval"><conditionExpression>${discount.approval}</conditionExpression></sequenceFlow>
            <sequenceFlow id="f5" sourceRef="approve" targetRef="end"/>
            <userTask id="approval" name="Approve the discount"/>
            <sequenceFlow id="f6" sourceRef="approval" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """;

    [Fact]
    public async Task BusinessRuleTask_EvaluatesTheLatestOrAPinnedVersion_MapsTheResult_AndKeepsTheHistory()
    {
        RequireDatabase();
        var first = await Engine.RunAsync<DecisionService, DecisionDeployResult>(s => s.DeployAsync(Discounts("10"), EngineHarness.Owner, default));
        Assert.True(first.Created);
        Assert.False((await Engine.RunAsync<DecisionService, DecisionDeployResult>(s => s.DeployAsync(Discounts("10"), EngineHarness.Owner, default))).Created);   // same file: same version
        var second = await Engine.RunAsync<DecisionService, DecisionDeployResult>(s => s.DeployAsync(Discounts("12"), EngineHarness.Owner, default));
        Assert.Equal(2, Assert.Single(second.Decisions).Version);
        await Engine.DeployXmlAsync(Process);

        var big = await Engine.StartAsync("order", new { tier = "gold", amount = 20000 });
        var instance = await Engine.InstanceAsync(big.Id);
        Assert.Equal(["approval"], instance.ActiveElementIds);
        Assert.Equal(12, instance.Variables["discount"]!["percent"]!.GetValue<decimal>());   // latest version
        Assert.Equal(10, instance.Variables["firstResult"]![0]!["percent"]!.GetValue<decimal>());   // pinned to version 1, as a result list
        var history = await Engine.RunAsync<DecisionService, List<DecisionEvaluationView>>(s => s.HistoryAsync("discount", big.Id, 10, EngineHarness.Owner, default));
        Assert.Equal([("pinned", 1), ("decide", 2)], history.Select(h => (h.ElementId!, h.Version)));
        Assert.Equal(["goldBig"], history[1].MatchedRules);
        Assert.Equal("gold", history[1].Inputs!["Customer tier"]!.GetValue<string>());

        var small = await Engine.StartAsync("order", new { tier = "silver", amount = 50 });
        Assert.Equal("Completed", (await Engine.InstanceAsync(small.Id)).State);
    }

    [Fact]
    public async Task AMissingDecision_OrAResultOfTheWrongShape_FailsTheStepNamingTheTask()
    {
        RequireDatabase();
        await Engine.RunAsync<DecisionService, DecisionDeployResult>(s => s.DeployAsync(Discounts("10"), EngineHarness.Owner, default));
        await Engine.DeployXmlAsync(Process.Replace("id=\"order\"", "id=\"shape\"", StringComparison.Ordinal)
            .Replace("camunda:mapDecisionResult=\"singleResult\"", "camunda:mapDecisionResult=\"singleEntry\"", StringComparison.Ordinal));
        var shape = await Assert.ThrowsAnyAsync<Exception>(() => Engine.StartAsync("shape", new { tier = "gold", amount = 1 }));
        Assert.Contains("decide", shape.Message, StringComparison.Ordinal);
        Assert.Contains("singleEntry", shape.Message, StringComparison.Ordinal);

        await Engine.DeployXmlAsync(Process.Replace("id=\"order\"", "id=\"missing\"", StringComparison.Ordinal)
            .Replace("camunda:decisionRef=\"discount\" camunda:resultVariable", "camunda:decisionRef=\"${which}\" camunda:resultVariable", StringComparison.Ordinal));
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => Engine.StartAsync("missing", new { which = "nope", tier = "gold", amount = 1 }));
        Assert.Contains("no decision 'nope' is deployed", missing.Message, StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(Process.Replace("id=\"order\"", "id=\"badMapping\"", StringComparison.Ordinal)
            .Replace("singleResult", "everything", StringComparison.Ordinal)));
        Assert.Contains(refused.Errors, e => e.ElementId == "decide" && e.Message.Contains("everything", StringComparison.Ordinal));
    }
}

public sealed class BusinessRuleTaskOnSqliteTests() : BusinessRuleTaskTests(DatabaseProvider.Sqlite);

public sealed class BusinessRuleTaskOnPostgreSqlTests() : BusinessRuleTaskTests(DatabaseProvider.PostgreSql);
