using System.Text.Json.Nodes;
using Crm.Workflow.ExternalTasks;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>External tasks: the token waits, a row offers the work to workers of the topic, boundary events stay armed.</summary>
public sealed partial class ProcessExecution
{
    private void WaitForWorker(Token token, FlowNode node)
    {
        var spec = node.ServiceTask!;
        token.Waiting = true;
        token.Wait = WaitKind.ExternalTask;
        var priority = spec.Priority is null ? 0L : Evaluate(spec.Priority, VariablesFor(token), node.Id) is JsonValue value && value.TryGetValue(out double number) ? (long)number : 0L;
        engine.Db.ExternalTasks.Add(new ExternalTask
        {
            InstanceId = instance.Id,
            DefinitionId = instance.DefinitionId,
            ProcessKey = instance.ProcessKey,
            BusinessKey = instance.BusinessKey,
            ElementId = node.Id,
            TokenId = token.Id,
            Topic = spec.Topic!,
            Priority = priority,
            CreatedAt = engine.Clock.GetUtcNow(),
        });
        AttachBoundaries(node, token.Id, token);
    }

    /// <summary>The variables a worker sees for a waiting token: its scopes' and its own input mappings.</summary>
    public static Dictionary<string, JsonNode?> VariablesOfToken(InstanceState state, string tokenId)
    {
        if (state.Tokens.FirstOrDefault(t => t.Id == tokenId) is not { } token)
        {
            return [];
        }

        var visible = state.VisibleVariables(token.ScopeId);
        foreach (var (name, value) in token.Locals ?? [])
        {
            visible[name] = value;
        }

        return visible;
    }

    /// <summary>A worker reported a BPMN error for the external task waiting at <paramref name="tokenId"/>: thrown as if by the task.</summary>
    public async Task ThrowFromWaitingAsync(string tokenId, string code, string? message, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
    {
        var token = state.Tokens.First(t => t.Id == tokenId && t.Waiting);
        var node = model.Node(token.ElementId);
        SetVariables(token.ScopeId, variables);
        History(HistoryEventType.ErrorThrown, node, new { code, message });
        ThrowError(code, message, node.Id, token.ScopeId, token);
        await RunAsync(cancellationToken);
    }
}
