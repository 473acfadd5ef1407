using System.Xml;
using System.Xml.Linq;
using Crm.Workflow.Expressions;

namespace Crm.Workflow.Decisions;

/// <summary>
/// Reads the decisions of a DMN file: decision tables and literal expressions, with the decisions each requires (DRD).
/// DMN 1.1 to 1.3, as dmn-js and Camunda Modeler write them; elements are matched by local name, so every DMN
/// namespace reads the same. Every problem is reported with the id of the
/// decision, rule or column that has it; nothing is deployed while one remains.
/// </summary>
public static class DmnParser
{
    private static readonly XNamespace CamundaNs = "http://camunda.org/schema/1.0/dmn";

    public static IReadOnlyList<DecisionTable> Parse(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw new DmnValidationException([new DmnError("definitions", $"The file is not well-formed XML: {ex.Message}")]);
        }

        var root = document.Root;
        if (root is null || root.Name.LocalName != "definitions" || !root.Name.NamespaceName.Contains("DMN", StringComparison.OrdinalIgnoreCase))
        {
            throw new DmnValidationException([new DmnError("definitions", "The root element must be a DMN definitions element.")]);
        }

        var errors = new List<DmnError>();
        var tables = new List<DecisionTable>();
        foreach (var decision in Children(root, "decision"))
        {
            var key = (string?)decision.Attribute("id");
            if (string.IsNullOrWhiteSpace(key))
            {
                errors.Add(new DmnError("decision", "A decision has no id; the id is the key processes call it by."));
                continue;
            }

            if (tables.Any(t => t.Key == key))
            {
                errors.Add(new DmnError(key, "The decision id is used twice."));
                continue;
            }

            var name = (string?)decision.Attribute("name");
            var read = Children(decision, "decisionTable").FirstOrDefault() is { } table ? ReadTable(key, name, table, errors)
                : Children(decision, "literalExpression").FirstOrDefault() is { } literal ? ReadLiteral(key, name, decision, literal, errors)
                : Missing(key, errors);
            if (read is not null)
            {
                tables.Add(read with { Required = RequiredDecisions(decision) });
            }
        }

        CheckRequirements(tables, errors);
        if (tables.Count == 0 && errors.Count == 0)
        {
            errors.Add(new DmnError("definitions", "The file holds no decision."));
        }

        return errors.Count > 0 ? throw new DmnValidationException(errors) : tables;
    }

    private static DecisionTable? ReadTable(string key, string? name, XElement table, List<DmnError> errors)
    {
        var before = errors.Count;
        var tableId = (string?)table.Attribute("id") ?? key;
        var policyText = ((string?)table.Attribute("hitPolicy") ?? "UNIQUE").Trim().ToUpperInvariant().Replace(' ', '_');
        HitPolicy policy = policyText switch
        {
            "UNIQUE" => HitPolicy.Unique,
            "FIRST" => HitPolicy.First,
            "PRIORITY" => HitPolicy.Priority,
            "ANY" => HitPolicy.Any,
            "COLLECT" => HitPolicy.Collect,
            "RULE_ORDER" => HitPolicy.RuleOrder,
            "OUTPUT_ORDER" => HitPolicy.OutputOrder,
            _ => Fail(errors, tableId, $"The hit policy '{policyText}' is not one of UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER, OUTPUT ORDER."),
        };
        var aggregationText = ((string?)table.Attribute("aggregation") ?? "").Trim().ToUpperInvariant();
        CollectAggregation aggregation = aggregationText switch
        {
            "" => CollectAggregation.None,
            "SUM" => CollectAggregation.Sum,
            "MIN" => CollectAggregation.Min,
            "MAX" => CollectAggregation.Max,
            "COUNT" => CollectAggregation.Count,
            _ => FailAggregation(errors, tableId, aggregationText),
        };
        if (aggregation != CollectAggregation.None && policy != HitPolicy.Collect)
        {
            errors.Add(new DmnError(tableId, "An aggregation belongs to the COLLECT hit policy."));
        }

        var inputs = new List<DecisionInput>();
        foreach (var input in Children(table, "input"))
        {
            var id = (string?)input.Attribute("id") ?? $"input{inputs.Count + 1}";
            var expression = Children(input, "inputExpression").FirstOrDefault();
            var text = expression is null ? null : Children(expression, "text").FirstOrDefault()?.Value.Trim();
            var source = string.IsNullOrWhiteSpace(text) ? (string?)input.Attribute(CamundaNs + "inputVariable") : text;
            if (string.IsNullOrWhiteSpace(source))
            {
                errors.Add(new DmnError(id, "The input has no expression (e.g. the variable name it reads)."));
                continue;
            }

            var script = ExpressionEngine.FromModelText(source);
            if (ExpressionEngine.Check(script) is { } problem)
            {
                errors.Add(new DmnError(id, $"The input expression '{source}' does not parse: {problem}"));
            }

            var label = (string?)input.Attribute("label");
            inputs.Add(new DecisionInput(id, string.IsNullOrWhiteSpace(label) ? null : label.Trim(), script, (string?)expression?.Attribute("typeRef")));
        }

        var outputs = new List<DecisionOutput>();
        foreach (var output in Children(table, "output"))
        {
            var id = (string?)output.Attribute("id") ?? $"output{outputs.Count + 1}";
            var outputName = (string?)output.Attribute("name") ?? (string?)output.Attribute("label");
            if (string.IsNullOrWhiteSpace(outputName))
            {
                errors.Add(new DmnError(id, "The output needs a name: it is the key of the result."));
                continue;
            }

            var values = Children(output, "outputValues").FirstOrDefault() is { } list && Children(list, "text").FirstOrDefault()?.Value is { } valuesText
                ? valuesText.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
                : [];
            var outputLabel = (string?)output.Attribute("label");
            outputs.Add(new DecisionOutput(id, string.IsNullOrWhiteSpace(outputLabel) ? null : outputLabel.Trim(), outputName.Trim(), (string?)output.Attribute("typeRef"), values));
        }

        if (outputs.Count == 0)
        {
            errors.Add(new DmnError(tableId, "The decision table has no output."));
        }

        if (policy is HitPolicy.Priority or HitPolicy.OutputOrder && outputs.All(o => o.PriorityValues.Count == 0))
        {
            errors.Add(new DmnError(tableId, $"{policyText.Replace('_', ' ')} ranks rules by the output values; list them on an output (e.g. \"high\",\"medium\",\"low\")."));
        }

        if (aggregation != CollectAggregation.None && outputs.Count > 1)
        {
            errors.Add(new DmnError(tableId, "COLLECT with an aggregation needs exactly one output."));
        }

        var rules = new List<DecisionRule>();
        foreach (var rule in Children(table, "rule"))
        {
            var id = (string?)rule.Attribute("id") ?? $"rule{rules.Count + 1}";
            var entries = Children(rule, "inputEntry").Select(e => Children(e, "text").FirstOrDefault()?.Value ?? "").ToList();
            var outputEntries = Children(rule, "outputEntry").Select(e => (Children(e, "text").FirstOrDefault()?.Value ?? "").Trim()).ToList();
            if (entries.Count != inputs.Count || outputEntries.Count != outputs.Count)
            {
                errors.Add(new DmnError(id, $"The rule has {entries.Count} input and {outputEntries.Count} output entries; the table has {inputs.Count} inputs and {outputs.Count} outputs."));
                continue;
            }

            var tests = new List<UnaryTests>();
            for (var i = 0; i < entries.Count; i++)
            {
                try
                {
                    tests.Add(UnaryTests.Parse(entries[i]));
                }
                catch (FormatException ex)
                {
                    errors.Add(new DmnError(id, $"The entry '{entries[i].Trim()}' for '{inputs[i].Label ?? inputs[i].Expression}' does not parse: {ex.Message}."));
                }
            }

            foreach (var entry in outputEntries.Where(e => e.Length > 0 && !UnaryTests.Endpoint.TryLiteral(e, out _)))
            {
                if (ExpressionEngine.Check(ExpressionEngine.FromModelText(entry)) is { } problem)
                {
                    errors.Add(new DmnError(id, $"The output entry '{entry}' does not parse: {problem}"));
                }
            }

            rules.Add(new DecisionRule(id, Children(rule, "description").FirstOrDefault()?.Value.Trim(), tests, outputEntries));
        }

        return errors.Count > before ? null : new DecisionTable(key, name, policy, aggregation, inputs, outputs, rules);
    }

    private static DecisionTable? Missing(string key, List<DmnError> errors)
    {
        errors.Add(new DmnError(key, "The decision has neither a decision table nor a literal expression."));
        return null;
    }

    /// <summary>
    /// A literal expression decision: its text (FEEL, JUEL <c>${…}</c> or JavaScript, as <c>expressionLanguage</c> says) is
    /// evaluated by the expression engine; the value is kept under the decision's variable name (else its id).
    /// </summary>
    private static DecisionTable? ReadLiteral(string key, string? name, XElement decision, XElement literal, List<DmnError> errors)
    {
        var text = Children(literal, "text").FirstOrDefault()?.Value;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new DmnError(key, "The literal expression has no text."));
            return null;
        }

        var language = ((string?)literal.Attribute("expressionLanguage") ?? "").Trim().ToLowerInvariant();
        if (language is not ("" or "feel" or "juel" or "javascript" or "js" or "ecmascript") && !language.Contains("feel", StringComparison.Ordinal))
        {
            errors.Add(new DmnError(key, $"The expression language '{language}' is not supported; use FEEL, JUEL or JavaScript."));
            return null;
        }

        var script = language is "javascript" or "js" or "ecmascript" ? text.Trim() : FeelText.ToScript(text);
        if (ExpressionEngine.Check(script) is { } problem)
        {
            errors.Add(new DmnError(key, $"The literal expression '{text.Trim()}' does not parse: {problem}"));
            return null;
        }

        var variable = Children(decision, "variable").FirstOrDefault();
        var variableName = (string?)variable?.Attribute("name");
        return new DecisionTable(key, name, HitPolicy.Unique, CollectAggregation.None, [], [], [])
        {
            Literal = new DecisionLiteral(string.IsNullOrWhiteSpace(variableName) ? key : variableName.Trim(), script, (string?)variable?.Attribute("typeRef")),
        };
    }

    /// <summary>The decisions a decision requires (<c>informationRequirement/requiredDecision href="#id"</c>).</summary>
    private static List<string> RequiredDecisions(XElement decision) =>
        [.. Children(decision, "informationRequirement").SelectMany(r => Children(r, "requiredDecision"))
            .Select(r => ((string?)r.Attribute("href"))?.Trim() ?? "")
            .Select(href => href[(href.LastIndexOf('#') + 1)..])
            .Where(id => id.Length > 0)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>Every required decision is in the file, and no decision requires itself through others.</summary>
    private static void CheckRequirements(List<DecisionTable> tables, List<DmnError> errors)
    {
        var byKey = tables.ToDictionary(t => t.Key, StringComparer.Ordinal);
        foreach (var table in tables)
        {
            foreach (var missing in table.Required.Where(r => !byKey.ContainsKey(r)))
            {
                errors.Add(new DmnError(table.Key, $"The required decision '{missing}' is not in this file."));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(table.Required);
            while (stack.Count > 0)
            {
                var key = stack.Pop();
                if (key == table.Key)
                {
                    errors.Add(new DmnError(table.Key, "The decision requires itself (through its required decisions)."));
                    break;
                }

                if (seen.Add(key) && byKey.TryGetValue(key, out var required))
                {
                    foreach (var next in required.Required)
                    {
                        stack.Push(next);
                    }
                }
            }
        }
    }

    private static IEnumerable<XElement> Children(XElement parent, string localName) => parent.Elements().Where(e => e.Name.LocalName == localName);

    private static HitPolicy Fail(List<DmnError> errors, string id, string message)
    {
        errors.Add(new DmnError(id, message));
        return HitPolicy.Unique;
    }

    private static CollectAggregation FailAggregation(List<DmnError> errors, string id, string text)
    {
        errors.Add(new DmnError(id, $"The aggregation '{text}' is not one of SUM, MIN, MAX, COUNT."));
        return CollectAggregation.None;
    }
}
