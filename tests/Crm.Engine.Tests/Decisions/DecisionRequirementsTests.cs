using Crm.Platform.Persistence;
using Crm.Workflow.Decisions;
using Xunit;

namespace Crm.Engine.Tests.Decisions;

/// <summary>
/// Decision requirements (DRD: <c>informationRequirement/requiredDecision</c>) and literal expression decisions, as
/// Camunda 7 evaluates them: required decisions first, their outputs then visible by name. Models in <c>Models/</c>.
/// </summary>
public abstract class DecisionRequirementsTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static string Model(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Decisions", "Models", file));

    private Task<DecisionDeployResult> DeployDecisionsAsync(string xml) =>
        Engine.RunAsync<DecisionService, DecisionDeployResult>(s => s.DeployAsync(xml, EngineHarness.Owner, default));

    [Fact]
    public async Task BusinessRuleTask_CallsADecisionWithRequirements_TheRequiredOnesAreEvaluatedFirst()
    {
        RequireDatabase();
        var deployed = await DeployDecisionsAsync(Model("drd-required-and-literal-decisions.dmn"));
        Assert.Equal(["season", "guestCount", "dish", "beverages", "menu"], deployed.Decisions.Select(d => d.Key));
        Assert.Equal("LITERAL EXPRESSION", deployed.Decisions.Single(d => d.Key == "menu").HitPolicy);
        await Engine.DeployXmlAsync(Model("drd-business-rule-task.bpmn"));

        var summer = await Engine.StartAsync("dinner", new { month = 7, guests = 5 });
        var cooking = await Engine.InstanceAsync(summer.Id);
        Assert.Equal("Barbecue with Beer and Water", cooking.Variables["menu"]!.GetValue<string>());
        Assert.Equal("Barbecue", cooking.Variables["dishResult"]![0]!["dish"]!.GetValue<string>());
        Assert.Equal("Cook Barbecue with Beer and Water", (await Engine.TaskAtAsync(summer.Id, "cook")).Name);
        var history = await Engine.RunAsync<DecisionService, List<DecisionEvaluationView>>(s => s.HistoryAsync(null, summer.Id, 10, EngineHarness.Owner, default));
        Assert.Equal(["decideDish", "decideMenu"], history.Select(h => h.ElementId!).Order(StringComparer.Ordinal));
        Assert.Equal(6, history.Single(h => h.DecisionKey == "dish").Inputs!["Guests"]!.GetValue<decimal>());

        var winter = await Engine.StartAsync("dinner", new { month = 12, guests = 1 });
        Assert.Equal("Stew with Water", (await Engine.InstanceAsync(winter.Id)).Variables["menu"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALiteralExpressionDecision_IsTestedOnItsOwn_AndChangingARequiredDecisionVersionsTheOnesThatNeedIt()
    {
        RequireDatabase();
        var xml = Model("drd-required-and-literal-decisions.dmn");
        await DeployDecisionsAsync(xml);
        var spring = await Engine.RunAsync<DecisionService, DecisionEvaluationView>(s =>
            s.EvaluateAsync("season", new EvaluateDecisionRequest(new() { ["month"] = 4 }, null), EngineHarness.Owner, default));
        Assert.Equal("Spring", spring.Result![0]!["season"]!.GetValue<string>());
        var dish = await Engine.RunAsync<DecisionService, DecisionEvaluationView>(s =>
            s.EvaluateAsync("dish", new EvaluateDecisionRequest(new() { ["month"] = 6, ["guests"] = 2 }, null), EngineHarness.Owner, default));
        Assert.Equal(["salad"], dish.MatchedRules);

        // Only the season changed, but the dish, beverages and menu are evaluated from the file they were deployed
        // with: each that requires the season gets a version of its own.
        var changed = await DeployDecisionsAsync(xml.Replace("\"Winter\"", "\"Cold\"", StringComparison.Ordinal));
        Assert.Equal([("season", 2), ("guestCount", 1), ("dish", 2), ("beverages", 2), ("menu", 2)], changed.Decisions.Select(d => (d.Key, d.Version)));
    }

    [Fact]
    public void MissingOrCircularRequirements_AndLiteralsThatDoNotParse_AreRefused_NamingTheDecision()
    {
        const string head = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="urn:t">""";
        var missing = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(head + """
            <decision id="a"><informationRequirement><requiredDecision href="#nowhere"/></informationRequirement><literalExpression><text>1</text></literalExpression></decision>
            </definitions>
            """));
        Assert.Contains(missing.Errors, e => e.ElementId == "a" && e.Message.Contains("nowhere", StringComparison.Ordinal));

        var circular = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(head + """
            <decision id="a"><informationRequirement><requiredDecision href="#b"/></informationRequirement><literalExpression><text>b + 1</text></literalExpression></decision>
            <decision id="b"><informationRequirement><requiredDecision href="#a"/></informationRequirement><literalExpression><text>a + 1</text></literalExpression></decision>
            </definitions>
            """));
        Assert.Contains(circular.Errors, e => e.ElementId == "a" && e.Message.Contains("requires itself", StringComparison.Ordinal));

        var unparsable = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(head + """
            <decision id="broken"><literalExpression><text>a + * 2</text></literalExpression></decision>
            </definitions>
            """));
        Assert.Contains(unparsable.Errors, e => e.ElementId == "broken");

        var groovy = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(head + """
            <decision id="scripted"><literalExpression expressionLanguage="groovy"><text>a * 2</text></literalExpression></decision>
            </definitions>
            """));
        Assert.Contains(groovy.Errors, e => e.ElementId == "scripted" && e.Message.Contains("groovy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("if a > 1 then \"big\" else \"small\"", "((a > 1) ? (\"big\") : (\"small\"))")]
    [InlineData("a = 1 and not(b) or c != 2", "a == 1 && !(b) || c != 2")]
    [InlineData("if a then if b then 1 else 2 else 3", "((a) ? (((b) ? (1) : (2))) : (3))")]
    [InlineData("max(if a then 1 else 2, 3)", "max(((a) ? (1) : (2)), 3)")]
    [InlineData("${x and y}", "x && y")]
    [InlineData("order.then + \"if\"", "order.then + \"if\"")]
    public void FeelLiterals_BecomeScripts(string feel, string script) =>
        Assert.Equal(script.Replace(" ", "", StringComparison.Ordinal), FeelText.ToScript(feel).Replace(" ", "", StringComparison.Ordinal));
}

public sealed class DecisionRequirementsOnSqliteTests() : DecisionRequirementsTests(DatabaseProvider.Sqlite);

public sealed class DecisionRequirementsOnPostgreSqlTests() : DecisionRequirementsTests(DatabaseProvider.PostgreSql);
