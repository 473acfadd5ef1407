using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Conditional events (catch, boundary, event sub-process start): a wait in the instance state only. Its condition is
/// evaluated when the wait begins and after every run of steps that changed a variable; when it holds, the event
/// fires as a message would. A non-interrupting one keeps watching and fires again on a later change.
/// </summary>
public sealed partial class ProcessExecution
{
    private bool _conditionsDirty;

    /// <param name="held">A non-interrupting event that just fired watches on with its condition known to hold: it fires
    /// again only after the condition turned false and then true (so a path that sets variables cannot loop it).</param>
    private void WatchCondition(FlowNode eventNode, string anchorId, bool held = false) =>
        state.Waits.Add(new EventWait { Id = Guid.CreateVersion7(), IsJob = false, IsCondition = true, ConditionHeld = held, AnchorId = anchorId, ElementId = eventNode.Id });

    /// <summary>Variables were changed from outside a step (the instance variables API): let what they make true happen.</summary>
    public async Task SettleAsync(CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <summary>Fires the conditional events whose condition now holds; true when one did (the agenda has work).</summary>
    private bool FireConditions()
    {
        if (!_conditionsDirty)
        {
            return false;
        }

        _conditionsDirty = false;
        var fired = false;
        foreach (var wait in state.Waits.Where(w => w.IsCondition).ToList())
        {
            if (!state.Waits.Contains(wait) || !StillWaiting(wait))
            {
                continue;   // an earlier firing in this round took it away
            }

            var node = model.Node(wait.ElementId);
            var variables = state.Tokens.FirstOrDefault(t => t.Id == wait.AnchorId) is { } token ? VariablesFor(token)
                : state.VisibleVariables(node.Kind == NodeKind.StartEvent ? wait.AnchorId : AnchorScope(wait.AnchorId));
            var holds = Condition(node.Event!.Condition!, variables, node.Id);
            var held = wait.ConditionHeld;
            wait.ConditionHeld = holds;
            if (!holds || held)
            {
                continue;
            }

            History(HistoryEventType.ConditionMet, node, null);
            Fire(wait, null, null);
            fired = true;
        }

        return fired;
    }

    private bool Condition(Expression condition, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> variables, string elementId)
    {
        try
        {
            return engine.Expressions.EvaluateCondition(condition, variables, elementId);
        }
        catch (Expressions.ExpressionException ex)
        {
            throw new ProcessExecutionException(elementId, ex.Message, ex);
        }
    }
}
