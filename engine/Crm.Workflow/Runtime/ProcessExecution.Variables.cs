using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>Expressions, variables and history: what every behaviour uses to read and record.</summary>
public sealed partial class ProcessExecution
{
    private bool Condition(SequenceFlow flow, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        try
        {
            return engine.Expressions.EvaluateCondition(flow.Condition!, variables, flow.Id);
        }
        catch (ExpressionException ex)
        {
            throw new ProcessExecutionException(flow.Id, ex.Message[(flow.Id.Length + 2)..], ex);
        }
    }

    private JsonNode? Evaluate(Expression expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        try
        {
            return engine.Expressions.Evaluate(expression, variables, elementId);
        }
        catch (ExpressionException ex)
        {
            throw new ProcessExecutionException(elementId, ex.Message[(elementId.Length + 2)..], ex);
        }
    }

    /// <summary>The token's locals plus the activity's input mappings (evaluated in order, each seeing the ones before).</summary>
    private Dictionary<string, JsonNode?>? EvaluateInputs(Token token, FlowNode node)
    {
        if (node.Inputs.Count == 0)
        {
            return token.Locals;
        }

        var visible = VariablesFor(token);
        var locals = token.Locals is null ? new Dictionary<string, JsonNode?>(StringComparer.Ordinal) : new Dictionary<string, JsonNode?>(token.Locals, StringComparer.Ordinal);
        foreach (var input in node.Inputs)
        {
            locals[input.Name] = Evaluate(input.Value, visible, node.Id);
            visible[input.Name] = locals[input.Name];
        }

        return locals;
    }

    /// <summary>What expressions at a token see: its scopes' variables, multi-instance counters, then its locals.</summary>
    private Dictionary<string, JsonNode?> VariablesFor(Token token, string? scopeId = null)
    {
        var visible = state.VisibleVariables(scopeId ?? token.ScopeId);
        if (token.Body is { } bodyId && state.Bodies.FirstOrDefault(b => b.Id == bodyId) is { } body)
        {
            visible["nrOfInstances"] = body.Total;
            visible["nrOfActiveInstances"] = body.Active;
            visible["nrOfCompletedInstances"] = body.Completed;
        }

        if (token.LoopCounter is { } loopCounter)
        {
            visible["loopCounter"] = loopCounter;
        }

        foreach (var (name, value) in token.Locals ?? [])
        {
            visible[name] = value;
        }

        return visible;
    }

    /// <summary>Sets a variable where it is defined (walking up the scopes), else on the process itself; records the change.</summary>
    private void SetVariable(string scopeId, string name, JsonNode? value)
    {
        var scope = state.FindDefining(scopeId, name) ?? state.Root;
        scope.Variables.TryGetValue(name, out var old);
        if (scope.Variables.ContainsKey(name) && JsonNode.DeepEquals(old, value))
        {
            return;
        }

        scope.Variables[name] = value?.DeepClone();
        _conditionsDirty = true;
        History(HistoryEventType.VariableSet, null, new { name, scope = scope.Id, value });
    }

    private void SetLocalVariable(ScopeState scope, string name, JsonNode? value)
    {
        scope.Variables[name] = value?.DeepClone();
        History(HistoryEventType.VariableSet, null, new { name, scope = scope.Id, value });
    }

    /// <summary>Records a task action (claim, delegate, complete…) in this instance's history.</summary>
    public void RecordTaskEvent(HistoryEventType type, Tasks.UserTask task, object? data) =>
        History(type, model.Nodes.GetValueOrDefault(task.ElementId), data, task.Id);

    /// <summary>Records that the instance moved to another version of its process.</summary>
    public void RecordMigration(int fromVersion, int toVersion, IReadOnlyDictionary<string, string> mapping) =>
        History(HistoryEventType.InstanceMigrated, null, new { fromVersion, toVersion, mapping });

    /// <summary>Sets variables without moving any token (e.g. a delegate resolving with data).</summary>
    public void SetVariables(string scopeId, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        foreach (var (name, value) in variables)
        {
            SetVariable(scopeId, name, value);
        }
    }

    private void History(HistoryEventType type, FlowNode? node, object? data, Guid? taskId = null) =>
        _history.Add(new HistoryEvent(
            ++instance.HistorySequence, type, node?.Id, node?.Kind.ToString(), taskId, userName, engine.Clock.GetUtcNow(),
            data is null ? null : JsonSerializer.SerializeToNode(data, HistoryBatch.Json)));
}
