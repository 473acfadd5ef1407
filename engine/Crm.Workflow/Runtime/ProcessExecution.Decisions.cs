using System.Text.Json.Nodes;
using Crm.Workflow.Decisions;
using Crm.Workflow.Model;

namespace Crm.Workflow.Runtime;

/// <summary>Business-rule tasks: evaluate the referenced DMN decision, record it in the decision history, keep the result.</summary>
public sealed partial class ProcessExecution
{
    private async Task RunBusinessRuleTaskAsync(Token token, FlowNode node, CancellationToken cancellationToken)
    {
        var spec = node.BusinessRule!;
        token.Locals = EvaluateInputs(token, node);
        var variables = VariablesFor(token);
        var key = TextOf(spec.DecisionRef, variables, node.Id) ?? throw new ProcessExecutionException(node.Id, "the decision reference is empty.");
        var definition = await DecisionTables.FindAsync(engine.Db, key, spec.Version, cancellationToken)
            ?? throw new ProcessExecutionException(node.Id, $"no decision '{key}'{(spec.Version is { } v ? $" version {v}" : "")} is deployed.");
        DecisionOutcome outcome;
        try
        {
            outcome = new DecisionEvaluator(engine.Expressions).Evaluate(DecisionTables.Of(definition), variables, DecisionTables.FileOf(definition));
        }
        catch (DecisionEvaluationException ex)
        {
            throw new ProcessExecutionException(node.Id, ex.Message, ex);
        }

        engine.Db.DecisionEvaluations.Add(DecisionTables.Record(definition, outcome, instance.Id, node.Id, isTest: false, userName, engine.Clock.GetUtcNow()));
        if (spec.ResultVariable is { } name)
        {
            SetVariable(token.ScopeId, name, MapResult(spec.Mapping, outcome, node.Id));
        }

        LeaveWithMappings(token, node, null);
    }

    /// <summary>Camunda's mapDecisionResult; a COLLECT with an aggregation gives one result with one entry.</summary>
    private static JsonNode? MapResult(DecisionResultMapping mapping, DecisionOutcome outcome, string elementId)
    {
        var rows = outcome.Aggregated
            ? [new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [outcome.AggregateOutput ?? "result"] = outcome.Aggregate?.DeepClone() }]
            : outcome.Results;
        JsonObject Row(Dictionary<string, JsonNode?> row) => new(row.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        switch (mapping)
        {
            case DecisionResultMapping.ResultList:
                return new JsonArray([.. rows.Select(r => (JsonNode)Row(r))]);
            case DecisionResultMapping.SingleResult:
                return rows.Count switch
                {
                    0 => null,
                    1 => Row(rows[0]),
                    _ => throw new ProcessExecutionException(elementId, $"singleResult, but the decision gave {rows.Count} results."),
                };
            case DecisionResultMapping.SingleEntry:
                if (rows.Count == 0)
                {
                    return null;
                }

                if (rows.Count > 1 || rows[0].Count != 1)
                {
                    throw new ProcessExecutionException(elementId, $"singleEntry, but the decision gave {rows.Count} result(s) with {rows[0].Count} output(s).");
                }

                return rows[0].Values.Single()?.DeepClone();
            default:
                if (rows.Any(r => r.Count != 1))
                {
                    throw new ProcessExecutionException(elementId, "collectEntries needs a decision with one output.");
                }

                return new JsonArray([.. rows.Select(r => r.Values.Single()?.DeepClone())]);
        }
    }
}
