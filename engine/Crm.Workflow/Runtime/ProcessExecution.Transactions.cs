using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Transactions and compensation event sub-processes. A cancel end event inside a transaction cancels everything else
/// in it, runs the handlers of its completed activities (newest first, as a compensation throw does), then ends the
/// transaction and leaves by its cancel boundary event. A sub-process with a compensation event sub-process is
/// compensated by that event sub-process: the sub-process's scope comes back (its variables, the records of its own
/// completed activities) and the event sub-process runs in it; a compensation thrown there compensates the inner ones.
/// </summary>
public sealed partial class ProcessExecution
{
    /// <summary>A cancel end event: its transaction is interrupted, compensated, then left by the cancel boundary.</summary>
    private void CancelTransaction(Token token, FlowNode end)
    {
        RunListeners(token, end, "end");
        History(HistoryEventType.ElementLeft, end, null);
        state.Tokens.Remove(token);
        var scopeId = token.ScopeId;
        InterruptScope(scopeId);
        if (!StartCompensation(scopeId, activityRef: null, end, thrower: null, cancelsScopeId: scopeId))
        {
            LeaveCancelledTransaction(scopeId);
        }
    }

    /// <summary>The compensation of a cancelled transaction is done: the transaction ends and its cancel boundary event fires.</summary>
    private void LeaveCancelledTransaction(string scopeId)
    {
        if (state.Scopes.FirstOrDefault(s => s.Id == scopeId) is not { } scope)
        {
            return;   // ended meanwhile (an outer interruption)
        }

        var transaction = model.Node(scope.ElementId!);
        var anchorId = scope.Body ?? scope.Id;
        var continuesIn = AnchorScope(anchorId);
        state.Compensations?.RemoveAll(r => r.ScopeId == scopeId);
        CancelAnchor(anchorId);
        if (transaction.Boundaries.FirstOrDefault(b => b.Event?.Trigger == TriggerKind.Cancel) is not { } boundary)
        {
            return;   // without a cancel boundary event the flow ends with the transaction
        }

        var token = NewToken(boundary.Id, continuesIn);
        History(HistoryEventType.ElementEntered, boundary, null);
        LeaveWithMappings(token, boundary, null);
    }

    /// <summary>The next handler of a run is a compensation event sub-process: its sub-process's scope comes back and it runs there.</summary>
    private void RunCompensationEventSubProcess(CompensationRun run, string startId)
    {
        var record = run.Scopes?.FirstOrDefault(r => r.HandlerId == startId);
        if (record is null)
        {
            NextCompensationHandler(run.Id);   // a record from before it was kept; nothing to run
            return;
        }

        run.Scopes!.Remove(record);
        var subProcess = model.Node(record.ActivityId);
        var scope = new ScopeState
        {
            Id = state.NewScopeId(),
            ParentId = run.ScopeId,
            ElementId = subProcess.Id,
            CompensationRun = run.Id,
            Variables = record.Variables ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal),
        };
        state.Scopes.Add(scope);
        foreach (var inner in record.Inner ?? [])
        {
            inner.ScopeId = scope.Id;
            (state.Compensations ??= []).Add(inner);
        }

        History(HistoryEventType.ElementEntered, subProcess, new { compensating = true });
        RunEventSubProcess(model.Node(startId), scope.Id);
    }

    /// <summary>A sub-process scope brought back for compensation has nothing left in it: the run goes on with its next handler.</summary>
    private void CompleteCompensationScope(ScopeState scope, string runId)
    {
        state.Scopes.Remove(scope);
        state.Compensations?.RemoveAll(r => r.ScopeId == scope.Id);
        History(HistoryEventType.ElementLeft, model.Node(scope.ElementId!), new { compensating = true });
        NextCompensationHandler(runId);
    }
}
