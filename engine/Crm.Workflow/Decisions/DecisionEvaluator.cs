using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;

namespace Crm.Workflow.Decisions;

/// <summary>What a decision gave: the outputs of each matched rule (in the policy's order), and the aggregate of a COLLECT with one.</summary>
public sealed record DecisionOutcome(
    string DecisionKey,
    IReadOnlyDictionary<string, JsonNode?> Inputs,
    IReadOnlyList<string> MatchedRuleIds,
    IReadOnlyList<Dictionary<string, JsonNode?>> Results,
    JsonNode? Aggregate,
    bool Aggregated)
{
    /// <summary>The output an aggregate is of: the key of the one entry an aggregated result has.</summary>
    public string? AggregateOutput { get; init; }
}

/// <summary>A decision that cannot give a result by its own rules (UNIQUE with two matches, ANY with different outputs ...).</summary>
public sealed class DecisionEvaluationException(string elementId, string message) : Exception($"Decision '{elementId}': {message}")
{
    public string ElementId { get; } = elementId;
}

/// <summary>Evaluates a decision table against variables: inputs through the expression engine, S-FEEL entries, hit policy.</summary>
public sealed class DecisionEvaluator(ExpressionEngine expressions)
{
    /// <summary>
    /// Evaluates (its required decisions first, from <paramref name="file"/>, the decisions of its DMN file); anything
    /// that goes wrong is a <see cref="DecisionEvaluationException"/> naming the decision, rule or input.
    /// </summary>
    public DecisionOutcome Evaluate(DecisionTable table, IReadOnlyDictionary<string, JsonNode?> variables, IReadOnlyList<DecisionTable>? file = null)
    {
        var current = table;
        try
        {
            var context = variables;
            if (table.Required.Count > 0)
            {
                var extended = new Dictionary<string, JsonNode?>(variables, StringComparer.Ordinal);
                var evaluated = new HashSet<string>(StringComparer.Ordinal);
                foreach (var key in table.Required)
                {
                    EvaluateRequired(key, extended, evaluated, file ?? [table], ref current);
                }

                context = extended;
                current = table;
            }

            return table.Literal is { } literal ? EvaluateLiteral(table, literal, context) : EvaluateTable(table, context);
        }
        catch (Exception ex) when (ex is not DecisionEvaluationException and not OutOfMemoryException)
        {
            var elementId = ex is ExpressionException expression ? expression.ElementId : current.Key;
            throw new DecisionEvaluationException(elementId, ex.Message);
        }
    }

    /// <summary>
    /// A required decision, after its own requirements (each decision once): its result joins the variables as Camunda 7
    /// adds it: one result's outputs by their names; several results (or a COLLECT / RULE ORDER table) as a list per output.
    /// </summary>
    private void EvaluateRequired(string key, Dictionary<string, JsonNode?> context, HashSet<string> evaluated, IReadOnlyList<DecisionTable> file, ref DecisionTable current)
    {
        if (!evaluated.Add(key))
        {
            return;
        }

        var required = file.FirstOrDefault(t => t.Key == key) ?? throw new DecisionEvaluationException(current.Key, $"the required decision '{key}' is not in its file.");
        foreach (var next in required.Required)
        {
            EvaluateRequired(next, context, evaluated, file, ref current);
        }

        current = required;
        var outcome = required.Literal is { } literal ? EvaluateLiteral(required, literal, context) : EvaluateTable(required, context);
        var rows = outcome.Aggregated
            ? [new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [outcome.AggregateOutput ?? key] = outcome.Aggregate?.DeepClone() }]
            : outcome.Results;
        var listed = !outcome.Aggregated && required.HitPolicy is HitPolicy.Collect or HitPolicy.RuleOrder && required.Literal is null;
        if (rows.Count == 1 && !listed)
        {
            foreach (var (name, value) in rows[0])
            {
                context[name] = value?.DeepClone();
            }
        }
        else if (rows.Count > 0)
        {
            foreach (var name in rows.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal))
            {
                context[name] = new JsonArray([.. rows.Select(r => r.GetValueOrDefault(name)?.DeepClone())]);
            }
        }
    }

    private DecisionOutcome EvaluateLiteral(DecisionTable decision, DecisionLiteral literal, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var value = Run(literal.Script, variables, decision.Key);
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [literal.VariableName] = value };
        return new DecisionOutcome(decision.Key, new Dictionary<string, JsonNode?>(StringComparer.Ordinal), [], [result], null, false);
    }

    private DecisionOutcome EvaluateTable(DecisionTable table, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var inputValues = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var values = new List<JsonNode?>();
        foreach (var input in table.Inputs)
        {
            var value = Run(input.Expression, variables, input.Id);
            values.Add(value);
            inputValues[input.Label ?? input.Expression] = value?.DeepClone();
        }

        var matched = new List<DecisionRule>();
        foreach (var rule in table.Rules)
        {
            var all = true;
            for (var i = 0; i < rule.InputEntries.Count && all; i++)
            {
                var cell = values[i];
                all = rule.InputEntries[i].Matches(cell,
                    source => Run(ExpressionEngine.FromModelText(source), variables, rule.Id),
                    (condition, input) => expressions.EvaluateCondition(Expression.Script(ExpressionEngine.FromModelText(condition)), WithCellInput(variables, input), rule.Id));
            }

            if (all)
            {
                matched.Add(rule);
            }
        }

        var rows = matched.Select(rule => (Rule: rule, Outputs: OutputsOf(table, rule, variables))).ToList();
        switch (table.HitPolicy)
        {
            case HitPolicy.Unique when rows.Count > 1:
                throw new DecisionEvaluationException(table.Key, $"UNIQUE, but rules {string.Join(", ", rows.Select(r => r.Rule.Id))} all match.");
            case HitPolicy.First:
                rows = rows.Take(1).ToList();
                break;
            case HitPolicy.Any when rows.Select(r => Canonical(r.Outputs)).Distinct(StringComparer.Ordinal).Count() > 1:
                throw new DecisionEvaluationException(table.Key, $"ANY, but the matching rules {string.Join(", ", rows.Select(r => r.Rule.Id))} give different outputs.");
            case HitPolicy.Any:
                rows = rows.Take(1).ToList();
                break;
            case HitPolicy.Priority:
                rows = [.. rows.OrderBy(r => Rank(table, r.Outputs)).Take(1)];
                break;
            case HitPolicy.OutputOrder:
                rows = [.. rows.OrderBy(r => Rank(table, r.Outputs))];
                break;
        }

        var results = rows.Select(r => r.Outputs).ToList();
        var aggregated = table.HitPolicy == HitPolicy.Collect && table.Aggregation != CollectAggregation.None;
        var aggregate = aggregated ? Aggregate(table, results) : null;
        return new DecisionOutcome(table.Key, inputValues, [.. rows.Select(r => r.Rule.Id)], results, aggregate, aggregated) { AggregateOutput = table.Outputs[0].Name };
    }

    private Dictionary<string, JsonNode?> OutputsOf(DecisionTable table, DecisionRule rule, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = 0; i < table.Outputs.Count; i++)
        {
            outputs[table.Outputs[i].Name] = OutputValue(rule.OutputEntries[i], variables, rule.Id);
        }

        return outputs;
    }

    private JsonNode? OutputValue(string entry, IReadOnlyDictionary<string, JsonNode?> variables, string ruleId)
    {
        if (entry.Length == 0)
        {
            return null;
        }

        object? literal;
        try
        {
            if (!UnaryTests.Endpoint.TryLiteral(entry, out literal))
            {
                return Run(ExpressionEngine.FromModelText(entry), variables, ruleId);
            }
        }
        catch (FormatException ex)
        {
            throw new DecisionEvaluationException(ruleId, ex.Message);
        }

        return literal switch
        {
            null => null,
            string text => JsonValue.Create(text),
            decimal number => JsonValue.Create(number),
            bool flag => JsonValue.Create(flag),
            DateTimeOffset time => JsonValue.Create(time.ToString("O", CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(literal.ToString()),
        };
    }

    /// <summary>Position of a row's output among the listed output values (first output with a list decides); unlisted last.</summary>
    private static int Rank(DecisionTable table, Dictionary<string, JsonNode?> outputs)
    {
        var column = table.Outputs.First(o => o.PriorityValues.Count > 0);
        var value = outputs[column.Name];
        for (var i = 0; i < column.PriorityValues.Count; i++)
        {
            UnaryTests.Endpoint.TryLiteral(column.PriorityValues[i], out var listed);
            if (Comparable.AreEqual(Comparable.Of(value, like: listed), listed))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static JsonValue? Aggregate(DecisionTable table, List<Dictionary<string, JsonNode?>> results)
    {
        var name = table.Outputs[0].Name;
        if (table.Aggregation == CollectAggregation.Count)
        {
            return JsonValue.Create((decimal)results.Count(r => r[name] is not null));
        }

        var numbers = results.Select(r => Comparable.Of(r[name], like: 0m)).OfType<decimal>().ToList();
        if (numbers.Count == 0)
        {
            return null;
        }

        return JsonValue.Create(table.Aggregation switch
        {
            CollectAggregation.Sum => numbers.Sum(),
            CollectAggregation.Min => numbers.Min(),
            _ => numbers.Max(),
        });
    }

    private JsonNode? Run(string source, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        try
        {
            return expressions.Evaluate(Expression.Script(source), variables, elementId);
        }
        catch (ExpressionException ex)
        {
            throw new DecisionEvaluationException(elementId, ex.Message);
        }
    }

    private static Dictionary<string, JsonNode?> WithCellInput(IReadOnlyDictionary<string, JsonNode?> variables, JsonNode? input) =>
        new(variables, StringComparer.Ordinal) { ["cellInput"] = input?.DeepClone() };

    private static string Canonical(Dictionary<string, JsonNode?> outputs) =>
        string.Join("\u0001", outputs.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key + "=" + (o.Value?.ToJsonString() ?? "null")));
}
