using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Compensation: an activity with a compensation boundary event is remembered when it completes (with the handler its
/// association names). A compensation throw or end event in a scope runs the handlers of that scope's completed
/// activities (or of its <c>activityRef</c> only), newest first and one after another; a throw event waits for them.
/// A completed sub-process hands its inner records to its parent scope, unless it has a handler of its own.
/// </summary>
public sealed partial class ProcessExecution
{
    private void RecordCompensable(Token token, FlowNode node)
    {
        if (node.Boundaries.FirstOrDefault(b => b.Event?.Trigger == TriggerKind.Compensation)?.Event?.CompensationHandlerId is not { } handler)
        {
            return;
        }

        state.Compensations ??= [];
        state.Compensations.Add(new CompensationRecord { ScopeId = token.ScopeId, ActivityId = node.Id, HandlerId = handler, Sequence = ++state.NextTokenNumber });
    }

    /// <summary>
    /// A sub-process completed: its inner records become its parent's, unless its own handler compensates it as a whole
    /// (a compensation boundary event, or a compensation event sub-process, which keeps the inner records for itself).
    /// </summary>
    private void CloseCompensations(ScopeState scope, FlowNode subProcess)
    {
        var records = state.Compensations ?? [];
        var inner = records.Where(r => r.ScopeId == scope.Id).ToList();
        if (subProcess.Kind == NodeKind.SubProcess && scope.CompensationRun is null && model.CompensationStartOf(subProcess.Id) is { } start)
        {
            records.RemoveAll(inner.Contains);
            state.Compensations = records;
            records.Add(new CompensationRecord
            {
                ScopeId = scope.ParentId!,
                ActivityId = subProcess.Id,
                HandlerId = start.Id,
                Sequence = ++state.NextTokenNumber,
                Inner = inner.Count > 0 ? inner : null,
                Variables = scope.Variables.Count > 0 ? scope.Variables.ToDictionary(v => v.Key, v => v.Value?.DeepClone(), StringComparer.Ordinal) : null,
            });
            return;
        }

        var ownHandler = subProcess.Boundaries.Any(b => b.Event?.Trigger == TriggerKind.Compensation);
        foreach (var record in inner)
        {
            if (ownHandler)
            {
                records.Remove(record);
            }
            else
            {
                record.ScopeId = scope.ParentId!;
                (record.Within ??= []).Add(subProcess.Id);
            }
        }
    }

    /// <summary>Starts compensating the scope; true when handlers run (a throwing token then waits for them).</summary>
    private bool Compensate(string scopeId, FlowNode thrown, Token? thrower)
    {
        if (thrown.Event is not { Trigger: TriggerKind.Compensation } spec)
        {
            return false;
        }

        // Thrown inside an event sub-process, it compensates the scope the event sub-process belongs to (as Camunda does).
        var scope = state.Scope(scopeId);
        if (scope.ElementId is { } elementId && model.Node(elementId).Kind == NodeKind.EventSubProcess)
        {
            scopeId = scope.ParentId!;
        }

        return StartCompensation(scopeId, spec.ActivityRef, thrown, thrower, cancelsScopeId: null);
    }

    /// <summary>Runs the handlers of the scope's completed activities (or of <paramref name="activityRef"/>), newest first; false when there are none.</summary>
    private bool StartCompensation(string scopeId, string? activityRef, FlowNode thrown, Token? thrower, string? cancelsScopeId)
    {
        var records = (state.Compensations ?? []).Where(r => r.ScopeId == scopeId
                && (activityRef is null || r.ActivityId == activityRef || (r.Within?.Contains(activityRef) ?? false)))
            .OrderByDescending(r => r.Sequence).ToList();
        History(HistoryEventType.CompensationThrown, thrown, new { activities = records.Select(r => r.ActivityId) });
        if (records.Count == 0)
        {
            return false;
        }

        foreach (var record in records)
        {
            state.Compensations!.Remove(record);
        }

        var scopes = records.Where(r => model.Node(r.HandlerId).Kind == NodeKind.StartEvent).ToList();
        var run = new CompensationRun
        {
            Id = "c" + ++state.NextTokenNumber,
            ScopeId = scopeId,
            ThrowerTokenId = thrower?.Id,
            Remaining = [.. records.Select(r => r.HandlerId)],
            Scopes = scopes.Count > 0 ? scopes : null,
            CancelsScopeId = cancelsScopeId,
        };
        state.CompensationRuns ??= [];
        state.CompensationRuns.Add(run);
        if (thrower is not null)
        {
            thrower.Waiting = true;
            thrower.Wait = WaitKind.Compensation;
        }

        NextCompensationHandler(run.Id);
        return true;
    }

    private void NextCompensationHandler(string runId)
    {
        if (state.CompensationRuns?.FirstOrDefault(r => r.Id == runId) is not { } run)
        {
            return;
        }

        if (run.Remaining.Count > 0)
        {
            var handler = run.Remaining[0];
            run.Remaining.RemoveAt(0);
            if (model.Node(handler).Kind == NodeKind.StartEvent)
            {
                RunCompensationEventSubProcess(run, handler);
                return;
            }

            var token = NewToken(handler, run.ScopeId);
            token.CompensationRun = run.Id;
            Enter(token, null);
            return;
        }

        state.CompensationRuns.Remove(run);
        if (run.CancelsScopeId is { } transactionScopeId)
        {
            LeaveCancelledTransaction(transactionScopeId);
            return;
        }

        if (run.ThrowerTokenId is { } throwerId && state.Tokens.FirstOrDefault(t => t.Id == throwerId && t.Wait == WaitKind.Compensation) is { } thrower)
        {
            thrower.Waiting = false;
            thrower.Wait = null;
            LeaveWithMappings(thrower, model.Node(thrower.ElementId), null);
        }
    }
}
