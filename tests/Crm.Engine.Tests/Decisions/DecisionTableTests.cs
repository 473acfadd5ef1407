using System.Text.Json.Nodes;
using Crm.Workflow.Decisions;
using Crm.Workflow.Expressions;
using Xunit;

namespace Crm.Engine.Tests.Decisions;

/// <summary>DMN decision tables on their own: S-FEEL input entries, every hit policy, aggregations, and deploy errors naming the rule.</summary>
public sealed class DecisionTableTests
{
    private static readonly DecisionEvaluator Evaluator = new(new ExpressionEngine());

    private static string Dmn(string hitPolicy, string inputs, string outputs, string rules, string aggregation = "") => $"""
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="Test" namespace="http://camunda.org/schema/1.0/dmn">
          <decision id="d" name="Test decision">
            <decisionTable id="table" hitPolicy="{hitPolicy}" {aggregation}>
              {inputs}
              {outputs}
              {rules}
            </decisionTable>
          </decision>
        </definitions>
        """;

    private static string Input(string id, string expression, string label = "") =>
        $"""<input id="{id}" label="{label}"><inputExpression id="{id}e" typeRef="string"><text>{expression}</text></inputExpression></input>""";

    private static string Output(string id, string name, string values = "") =>
        $"""<output id="{id}" name="{name}" typeRef="string">{(values.Length > 0 ? $"<outputValues><text>{values}</text></outputValues>" : "")}</output>""";

    private static string Rule(string id, params string[] entries) =>
        $"""<rule id="{id}">{string.Concat(entries.SkipLast(1).Select(e => $"<inputEntry><text>{System.Security.SecurityElement.Escape(e)}</text></inputEntry>"))}<outputEntry><text>{System.Security.SecurityElement.Escape(entries[^1])}</text></outputEntry></rule>""";

    private static DecisionOutcome Run(string xml, object variables) =>
        Evaluator.Evaluate(DmnParser.Parse(xml).Single(), JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject().ToDictionary(p => p.Key, p => p.Value));

    private static List<string?> Values(DecisionOutcome outcome, string name) => [.. outcome.Results.Select(r => r[name]?.ToString())];

    [Fact]
    public void SFeelEntries_Comparisons_Ranges_Lists_Not_Strings_Dates_AndExpressions()
    {
        var xml = Dmn("RULE ORDER",
            Input("amount", "amount") + Input("season", "season") + Input("day", "day") + Input("limit", "limit"),
            Output("o", "rule"),
            Rule("small", "< 100", "-", "-", "-", "\"small\"")
            + Rule("range", "[100..1000]", "-", "-", "-", "\"range\"")
            + Rule("openRange", "]100..1000[", "-", "-", "-", "\"openRange\"")
            + Rule("list", "-", "\"Winter\",\"Spring\"", "-", "-", "\"list\"")
            + Rule("notList", "-", "not(\"Winter\",\"Spring\")", "-", "-", "\"notList\"")
            + Rule("date", "-", "-", ">= date(\"2026-12-01\")", "-", "\"date\"")
            + Rule("aboveLimit", "> limit", "-", "-", "-", "\"aboveLimit\"")
            + Rule("juel", "${cellInput % 2 == 0}", "-", "-", "-", "\"even\""));
        Assert.Equal(["range", "list", "date", "aboveLimit", "even"], Values(Run(xml, new { amount = 100, season = "Winter", day = "2026-12-06", limit = 50 }), "rule"));
        Assert.Equal(["small", "notList"], Values(Run(xml, new { amount = 7, season = "Summer", day = "2026-11-30", limit = 50 }), "rule"));
        Assert.Equal(["range", "openRange", "notList", "aboveLimit"], Values(Run(xml, new { amount = 501, season = "Fall", day = "2025-01-01", limit = 500 }), "rule"));
    }

    [Fact]
    public void HitPolicies_Unique_First_Priority_Any_RuleOrder_OutputOrder()
    {
        var inputs = Input("score", "score");
        var outputs = Output("o", "level", "\"high\",\"medium\",\"low\"");
        var rules = Rule("r1", ">= 0", "\"low\"") + Rule("r2", ">= 50", "\"medium\"") + Rule("r3", ">= 90", "\"high\"");
        var unique = Assert.Throws<DecisionEvaluationException>(() => Run(Dmn("UNIQUE", inputs, outputs, rules), new { score = 60 }));
        Assert.Contains("r1, r2", unique.Message, StringComparison.Ordinal);
        Assert.Equal(["low"], Values(Run(Dmn("UNIQUE", inputs, outputs, rules), new { score = 10 }), "level"));
        Assert.Equal(["low"], Values(Run(Dmn("FIRST", inputs, outputs, rules), new { score = 95 }), "level"));
        Assert.Equal(["high"], Values(Run(Dmn("PRIORITY", inputs, outputs, rules), new { score = 95 }), "level"));
        Assert.Equal(["low", "medium", "high"], Values(Run(Dmn("RULE ORDER", inputs, outputs, rules), new { score = 95 }), "level"));
        Assert.Equal(["high", "medium", "low"], Values(Run(Dmn("OUTPUT ORDER", inputs, outputs, rules), new { score = 95 }), "level"));
        Assert.Empty(Run(Dmn("FIRST", inputs, outputs, rules), new { score = -1 }).Results);

        var same = Rule("a1", ">= 0", "\"ok\"") + Rule("a2", ">= 50", "\"ok\"");
        Assert.Equal(["ok"], Values(Run(Dmn("ANY", inputs, Output("o", "level"), same), new { score = 60 }), "level"));
        Assert.Throws<DecisionEvaluationException>(() => Run(Dmn("ANY", inputs, outputs, rules), new { score = 60 }));
    }

    [Theory]
    [InlineData("SUM", 60)]
    [InlineData("MIN", 10)]
    [InlineData("MAX", 30)]
    [InlineData("COUNT", 3)]
    public void Collect_WithAggregation(string aggregation, int expected)
    {
        var xml = Dmn("COLLECT", Input("x", "x"), Output("o", "fee"),
            Rule("f1", "> 0", "10") + Rule("f2", "> 1", "20") + Rule("f3", "> 2", "30") + Rule("f4", "> 100", "40"), $"aggregation=\"{aggregation}\"");
        var outcome = Run(xml, new { x = 5 });
        Assert.True(outcome.Aggregated);
        Assert.Equal(expected, outcome.Aggregate!.GetValue<decimal>());
        Assert.Equal(["f1", "f2", "f3"], outcome.MatchedRuleIds);
    }

    [Fact]
    public void BadTables_AreRefused_NamingTheRuleOrColumn()
    {
        var broken = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(Dmn("UNIQUE", Input("x", "x"), Output("o", "y"),
            Rule("good", "< 5", "1") + Rule("badEntry", "[1..", "2") + Rule("badDate", ">= date(\"yesterday\")", "3"))));
        Assert.Contains(broken.Errors, e => e.ElementId == "badEntry");
        Assert.Contains(broken.Errors, e => e.ElementId == "badDate" && e.Message.Contains("date", StringComparison.Ordinal));
        Assert.DoesNotContain(broken.Errors, e => e.ElementId == "good");

        var policy = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(Dmn("SOMETIMES", Input("x", "x"), Output("o", "y"), Rule("r", "-", "1"))));
        Assert.Contains(policy.Errors, e => e.ElementId == "table" && e.Message.Contains("SOMETIMES", StringComparison.Ordinal));
        var priority = Assert.Throws<DmnValidationException>(() => DmnParser.Parse(Dmn("PRIORITY", Input("x", "x"), Output("o", "y"), Rule("r", "-", "1"))));
        Assert.Contains(priority.Errors, e => e.Message.Contains("output values", StringComparison.Ordinal));
        Assert.Throws<DmnValidationException>(() => DmnParser.Parse("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>"));
    }
}
