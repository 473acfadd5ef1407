using System.Text.RegularExpressions;
using Crm.Workflow.Decisions;
using Crm.Workflow.Model;
using Xunit;

namespace Crm.Engine.Tests.Camunda;

/// <summary>
/// docs/engine.md's element table and the parser agree: every row has a small model here; "yes" rows deploy, "no" rows
/// are refused naming the element. A row added to the table without a model here (or the other way round) fails.
/// </summary>
public sealed partial class ElementTableTests
{
    private const string Roots = """<message id="m" name="m"/><signal id="sg" name="sg"/><error id="er" errorCode="E"/><escalation id="es" escalationCode="ES"/>""";

    private static string Seq(string element) =>
        $"""<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="x"/>{element}<sequenceFlow id="b" sourceRef="x" targetRef="e"/><endEvent id="e"/>""";

    private static string Start(string definition) => $"""<startEvent id="x">{definition}</startEvent><sequenceFlow id="a" sourceRef="x" targetRef="e"/><endEvent id="e"/>""";

    private static string InEventSubProcess(string definition) => Seq("<task id=\"x0\"/>").Replace("\"x\"", "\"x0\"", StringComparison.Ordinal) +
        $"""<subProcess id="esp" triggeredByEvent="true"><startEvent id="x">{definition}</startEvent><sequenceFlow id="c" sourceRef="x" targetRef="ee"/><endEvent id="ee"/></subProcess>""";

    private static string End(string definition) => $"""<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="x"/><endEvent id="x">{definition}</endEvent>""";

    private const string Inner = """<startEvent id="ss"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/><endEvent id="se"/>""";

    private static string Boundary(string definition, bool onSubProcess = false) =>
        Seq(onSubProcess ? $"<subProcess id=\"t\">{Inner}</subProcess>" : "<userTask id=\"t\"/>").Replace("\"x\"", "\"t\"", StringComparison.Ordinal) +
        $"""<boundaryEvent id="x" attachedToRef="t">{definition}</boundaryEvent><sequenceFlow id="bx" sourceRef="x" targetRef="e"/>""";

    private const string Timer = "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>";
    private const string Message = "<messageEventDefinition messageRef=\"m\"/>";
    private const string Signal = "<signalEventDefinition signalRef=\"sg\"/>";
    private const string Conditional = "<conditionalEventDefinition><condition>${a &gt; 1}</condition></conditionalEventDefinition>";

    private static readonly Dictionary<string, string> Models = new(StringComparer.Ordinal)
    {
        ["startEvent (none)"] = Start(""),
        ["startEvent (timer)"] = Start(Timer),
        ["startEvent (message)"] = Start(Message),
        ["startEvent (signal)"] = Start(Signal),
        ["startEvent (error)"] = InEventSubProcess("<errorEventDefinition errorRef=\"er\"/>"),
        ["startEvent (escalation)"] = InEventSubProcess("<escalationEventDefinition escalationRef=\"es\"/>"),
        ["startEvent (conditional)"] = InEventSubProcess(Conditional),
        ["startEvent (compensation)"] = $"""<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="sp"/><subProcess id="sp">{Inner}<subProcess id="esp" triggeredByEvent="true"><startEvent id="x"><compensateEventDefinition/></startEvent><sequenceFlow id="c" sourceRef="x" targetRef="ee"/><endEvent id="ee"/></subProcess></subProcess><sequenceFlow id="b" sourceRef="sp" targetRef="e"/><endEvent id="e"/>""",
        ["endEvent (none)"] = End(""),
        ["endEvent (terminate)"] = End("<terminateEventDefinition/>"),
        ["endEvent (error)"] = End("<errorEventDefinition errorRef=\"er\"/>"),
        ["endEvent (signal)"] = End(Signal),
        ["endEvent (escalation)"] = End("<escalationEventDefinition escalationRef=\"es\"/>"),
        ["endEvent (message)"] = End(Message),
        ["endEvent (compensation)"] = End("<compensateEventDefinition/>"),
        ["endEvent (cancel)"] = $"""<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="t"/><transaction id="t"><startEvent id="ts"/><sequenceFlow id="tf" sourceRef="ts" targetRef="x"/><endEvent id="x"><cancelEventDefinition/></endEvent></transaction><sequenceFlow id="b" sourceRef="t" targetRef="e"/><endEvent id="e"/>""",
        ["intermediateThrowEvent (none)"] = Seq("<intermediateThrowEvent id=\"x\"/>"),
        ["intermediateThrowEvent (signal)"] = Seq($"<intermediateThrowEvent id=\"x\">{Signal}</intermediateThrowEvent>"),
        ["intermediateThrowEvent (link)"] = """<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="x"/><intermediateThrowEvent id="x"><linkEventDefinition name="L"/></intermediateThrowEvent><intermediateCatchEvent id="lc"><linkEventDefinition name="L"/></intermediateCatchEvent><sequenceFlow id="b" sourceRef="lc" targetRef="e"/><endEvent id="e"/>""",
        ["intermediateThrowEvent (escalation)"] = Seq("<intermediateThrowEvent id=\"x\"><escalationEventDefinition escalationRef=\"es\"/></intermediateThrowEvent>"),
        ["intermediateThrowEvent (message)"] = Seq($"<intermediateThrowEvent id=\"x\">{Message}</intermediateThrowEvent>"),
        ["intermediateThrowEvent (compensation)"] = Seq("<intermediateThrowEvent id=\"x\"><compensateEventDefinition/></intermediateThrowEvent>"),
        ["intermediateCatchEvent (timer)"] = Seq($"<intermediateCatchEvent id=\"x\">{Timer}</intermediateCatchEvent>"),
        ["intermediateCatchEvent (message)"] = Seq($"<intermediateCatchEvent id=\"x\">{Message}</intermediateCatchEvent>"),
        ["intermediateCatchEvent (signal)"] = Seq($"<intermediateCatchEvent id=\"x\">{Signal}</intermediateCatchEvent>"),
        ["intermediateCatchEvent (link)"] = """<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="t"/><intermediateThrowEvent id="t"><linkEventDefinition name="L"/></intermediateThrowEvent><intermediateCatchEvent id="x"><linkEventDefinition name="L"/></intermediateCatchEvent><sequenceFlow id="b" sourceRef="x" targetRef="e"/><endEvent id="e"/>""",
        ["intermediateCatchEvent (conditional)"] = Seq($"<intermediateCatchEvent id=\"x\">{Conditional}</intermediateCatchEvent>"),
        ["boundaryEvent (timer)"] = Boundary(Timer),
        ["boundaryEvent (message)"] = Boundary(Message),
        ["boundaryEvent (signal)"] = Boundary(Signal),
        ["boundaryEvent (error)"] = Boundary("<errorEventDefinition errorRef=\"er\"/>"),
        ["boundaryEvent (escalation)"] = Boundary("<escalationEventDefinition escalationRef=\"es\"/>", onSubProcess: true),
        ["boundaryEvent (conditional)"] = Boundary(Conditional),
        ["boundaryEvent (compensation)"] = Seq("<userTask id=\"t\"/>").Replace("\"x\"", "\"t\"", StringComparison.Ordinal)
            + """<boundaryEvent id="x" attachedToRef="t"><compensateEventDefinition/></boundaryEvent><task id="undo" isForCompensation="true"/><association id="as" sourceRef="x" targetRef="undo"/>""",
        ["boundaryEvent (cancel)"] = Seq($"<transaction id=\"t\">{Inner}</transaction>").Replace("\"x\"", "\"t\"", StringComparison.Ordinal) +
            """<boundaryEvent id="x" attachedToRef="t"><cancelEventDefinition/></boundaryEvent><sequenceFlow id="bx" sourceRef="x" targetRef="e"/>""",
        ["userTask"] = Seq("<userTask id=\"x\"/>"),
        ["serviceTask"] = Seq("<serviceTask id=\"x\" camunda:type=\"test.any\"/>"),
        ["sendTask"] = Seq("<sendTask id=\"x\" camunda:type=\"test.any\"/>"),
        ["scriptTask"] = Seq("<scriptTask id=\"x\" scriptFormat=\"javascript\"><script>1</script></scriptTask>"),
        ["businessRuleTask"] = Seq("<businessRuleTask id=\"x\" camunda:decisionRef=\"d\"/>"),
        ["manualTask"] = Seq("<manualTask id=\"x\"/>"),
        ["task"] = Seq("<task id=\"x\"/>"),
        ["receiveTask"] = Seq("<receiveTask id=\"x\"/>"),
        ["callActivity"] = Seq("<callActivity id=\"x\" calledElement=\"other\"/>"),
        ["subProcess"] = Seq($"<subProcess id=\"x\">{Inner}</subProcess>"),
        ["subProcess (event)"] = Seq("<task id=\"t\"/>").Replace("\"x\"", "\"t\"", StringComparison.Ordinal) +
            $"""<subProcess id="x" triggeredByEvent="true"><startEvent id="xs">{Message}</startEvent><sequenceFlow id="c" sourceRef="xs" targetRef="ee"/><endEvent id="ee"/></subProcess>""",
        ["transaction"] = Seq($"<transaction id=\"x\">{Inner}</transaction>"),
        ["adHocSubProcess"] = Seq("<adHocSubProcess id=\"x\"/>"),
        ["exclusiveGateway"] = Seq("<exclusiveGateway id=\"x\"/>"),
        ["parallelGateway"] = Seq("<parallelGateway id=\"x\"/>"),
        ["inclusiveGateway"] = Seq("<inclusiveGateway id=\"x\"/>"),
        ["eventBasedGateway"] = $"""<startEvent id="s"/><sequenceFlow id="a" sourceRef="s" targetRef="x"/><eventBasedGateway id="x"/><sequenceFlow id="g1" sourceRef="x" targetRef="c1"/><sequenceFlow id="g2" sourceRef="x" targetRef="c2"/><intermediateCatchEvent id="c1">{Timer}</intermediateCatchEvent><intermediateCatchEvent id="c2">{Conditional}</intermediateCatchEvent><sequenceFlow id="g3" sourceRef="c1" targetRef="e"/><sequenceFlow id="g4" sourceRef="c2" targetRef="e"/><endEvent id="e"/>""",
        ["complexGateway"] = Seq("<complexGateway id=\"x\"/>"),
        ["multiInstanceLoopCharacteristics"] = Seq("<userTask id=\"x\"><multiInstanceLoopCharacteristics camunda:collection=\"${items}\" camunda:elementVariable=\"item\"/></userTask>"),
        ["standardLoopCharacteristics"] = Seq("<userTask id=\"x\"><standardLoopCharacteristics loopMaximum=\"3\"/></userTask>"),
    };

    private static readonly Dictionary<string, string> Decisions = new(StringComparer.Ordinal)
    {
        ["dmn decisionTable"] = """<decision id="x"><decisionTable id="t"><input id="i"><inputExpression><text>a</text></inputExpression></input><output id="o" name="r"/><rule id="r1"><inputEntry><text>&gt; 1</text></inputEntry><outputEntry><text>"big"</text></outputEntry></rule></decisionTable></decision>""",
        ["dmn literalExpression"] = """<decision id="x"><literalExpression><text>a * 2</text></literalExpression></decision>""",
        ["dmn requiredDecision"] = """<decision id="x"><informationRequirement><requiredDecision href="#y"/></informationRequirement><literalExpression><text>a * 2</text></literalExpression></decision><decision id="y"><variable name="a"/><literalExpression><text>1</text></literalExpression></decision>""",
    };

    [Fact]
    public void TheDocumentedTable_AndTheParser_Agree()
    {
        var rows = DocumentedRows();
        Assert.True(rows.Count > 40, "the element table in docs/engine.md was not found");
        Assert.Equal(Models.Keys.Concat(Decisions.Keys).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        var disagreements = new List<string>();
        foreach (var (element, supported) in rows)
        {
            var errors = Decisions.TryGetValue(element, out var decision) ? DecisionErrors(decision) : ProcessErrors(Models[element]);
            if (supported && errors.Count > 0)
            {
                disagreements.Add($"{element}: documented as supported, refused: {string.Join("; ", errors)}");
            }
            else if (!supported && !errors.Any(e => e.StartsWith("x:", StringComparison.Ordinal)))
            {
                disagreements.Add($"{element}: documented as not supported, but not refused naming it ({string.Join("; ", errors)})");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    private static List<string> ProcessErrors(string body)
    {
        var xml = $"""
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="urn:t" id="d">
              {Roots}<process id="p" isExecutable="true">{body}</process>
            </definitions>
            """;
        try
        {
            new BpmnParser(_ => true).Parse(xml);
            return [];
        }
        catch (BpmnValidationException ex)
        {
            return [.. ex.Errors.Select(e => $"{e.ElementId}: {e.Message}")];
        }
    }

    private static List<string> DecisionErrors(string body)
    {
        try
        {
            DmnParser.Parse($"""<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="urn:t">{body}</definitions>""");
            return [];
        }
        catch (DmnValidationException ex)
        {
            return [.. ex.Errors.Select(e => $"{e.ElementId}: {e.Message}")];
        }
    }

    /// <summary>The rows of the table under "## Elements": element → supported.</summary>
    private static Dictionary<string, bool> DocumentedRows()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Crm.sln")))
        {
            directory = directory.Parent;
        }

        var text = File.ReadAllText(Path.Combine(directory!.FullName, "docs", "engine.md"));
        var section = text[text.IndexOf("## Elements", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return Row().Matches(section).Where(m => m.Groups[1].Value.Trim() != "element")
            .ToDictionary(m => m.Groups[1].Value.Trim(), m => m.Groups[2].Value.Trim() == "yes", StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| ([^|]+) \| (yes|no|supported) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
