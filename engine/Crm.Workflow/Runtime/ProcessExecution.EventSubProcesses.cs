using System.Text.Json.Nodes;
using Crm.Workflow.Jobs;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Event sub-processes. While a scope (the process, a sub-process, an event sub-process) runs, the timer, message
/// and signal starts of its event sub-processes listen, anchored on the scope, so they end with it. An error
/// thrown inside the scope is offered to its error-start event sub-processes before the scope's own boundary
/// events. An interrupting start cancels everything else in the scope (its boundary events stay: the scope still
/// runs, now in the event sub-process); a non-interrupting one runs beside the rest and keeps listening. The scope
/// completes when the event sub-process and everything beside it have ended.
/// </summary>
public sealed partial class ProcessExecution
{
    /// <summary>A scope began: its event sub-processes' timer, message and signal starts listen while it runs.</summary>
    private void ListenForEventSubProcesses(string scopeId, string? elementId)
    {
        foreach (var (_, start) in model.EventSubProcessesOf(elementId))
        {
            if (start.Event?.Trigger is TriggerKind.Timer or TriggerKind.Message or TriggerKind.Condition)
            {
                Subscribe(start, scopeId, null);
            }
        }
    }

    /// <summary>A timer, message or signal start of an event sub-process fired in the scope <paramref name="scopeId"/>.</summary>
    private void StartEventSubProcess(FlowNode start, string scopeId, IReadOnlyDictionary<string, JsonNode?>? variables, Job? timerJob)
    {
        if (state.Scopes.All(s => s.Id != scopeId))
        {
            return;   // the scope ended in this step; its listeners go at commit
        }

        if (start.Interrupting)
        {
            InterruptScope(scopeId);
        }
        else
        {
            ListenAgain(start, scopeId, timerJob);
        }

        SetVariables(scopeId, variables ?? new Dictionary<string, JsonNode?>());
        RunEventSubProcess(start, scopeId);
    }

    /// <summary>
    /// Offers a BPMN error to the error-start event sub-processes of <paramref name="scope"/> (the one the error
    /// came out of excepted): one with the code, else one without a code, catches it and interrupts the scope.
    /// </summary>
    private bool CatchInEventSubProcess(ScopeState scope, string? cameFromElementId, string code, string? message, Token? thrower)
    {
        var candidates = model.EventSubProcessesOf(scope.ElementId)
            .Where(e => e.Start.Event?.Trigger == TriggerKind.Error && e.SubProcess.Id != cameFromElementId).ToList();
        var (_, start) = candidates.FirstOrDefault(e => e.Start.Event!.ErrorCode == code);
        start ??= candidates.FirstOrDefault(e => e.Start.Event!.ErrorCode is null).Start;
        if (start is null)
        {
            return false;
        }

        if (thrower is not null && state.Tokens.Remove(thrower))
        {
            DetachAll(thrower.Id);
            if (thrower.Waiting)
            {
                _pendingCancellations.Add(thrower.Id);
            }
        }

        InterruptScope(scope.Id);
        History(HistoryEventType.ErrorCaught, start, new { code, message });
        var caught = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (start.Event!.ErrorCodeVariable is { } codeVariable)
        {
            caught[codeVariable] = code;
        }

        if (start.Event.ErrorMessageVariable is { } messageVariable)
        {
            caught[messageVariable] = message;
        }

        SetVariables(scope.Id, caught);
        RunEventSubProcess(start, scope.Id);
        return true;
    }

    /// <summary>
    /// An escalation end or intermediate throw event: outwards from the thrower's scope, each scope's escalation
    /// event sub-processes, then the escalation boundary events of the sub-process that scope runs, catch it
    /// (with the code, else without one); interrupting or not. Uncaught in a called process, it goes on to the
    /// parent's call activity (after this step commits). Uncaught at the top, nothing happens (BPMN): the thrower goes on.
    /// </summary>
    private void ThrowEscalation(Token thrower, FlowNode node)
    {
        if (node.Event is not { Trigger: TriggerKind.Escalation, ErrorCode: { } code })
        {
            return;
        }

        History(HistoryEventType.EscalationThrown, node, new { code });
        OfferEscalation(thrower.ScopeId, code);
    }

    private void OfferEscalation(string scopeId, string code)
    {
        string? cameFrom = null;
        for (var scope = state.Scope(scopeId); ; scope = state.Scope(scope.ParentId))
        {
            var candidates = model.EventSubProcessesOf(scope.ElementId)
                .Where(e => e.Start.Event?.Trigger == TriggerKind.Escalation && e.SubProcess.Id != cameFrom).ToList();
            var (_, start) = candidates.FirstOrDefault(e => e.Start.Event!.ErrorCode == code);
            start ??= candidates.FirstOrDefault(e => e.Start.Event!.ErrorCode is null).Start;
            if (start is not null)
            {
                if (start.Interrupting)
                {
                    InterruptScope(scope.Id);
                }

                History(HistoryEventType.EscalationCaught, start, new { code });
                RunEventSubProcess(start, scope.Id);
                return;
            }

            if (scope.ParentId is null)
            {
                if (instance.ParentInstanceId is not null && instance.ParentToken is null)
                {
                    _escalationsToParent.Add(code);
                }

                return;
            }

            var anchorId = scope.Body ?? scope.Id;
            if (CatchEscalationAt(model.Node(scope.ElementId!), anchorId, AnchorScope(anchorId), code))
            {
                return;
            }

            cameFrom = scope.ElementId;
        }
    }

    /// <summary>An escalation boundary event of <paramref name="host"/> with the code (else without one) catches it.</summary>
    private bool CatchEscalationAt(FlowNode host, string anchorId, string continuesIn, string code)
    {
        var boundary = host.Boundaries.FirstOrDefault(b => b.Event!.Trigger == TriggerKind.Escalation && b.Event.ErrorCode == code)
            ?? host.Boundaries.FirstOrDefault(b => b.Event!.Trigger == TriggerKind.Escalation && b.Event.ErrorCode is null);
        if (boundary is null)
        {
            return false;
        }

        if (boundary.Boundary!.CancelActivity)
        {
            CancelAnchor(anchorId);
        }

        History(HistoryEventType.EscalationCaught, boundary, new { code });
        var token = NewToken(boundary.Id, continuesIn);
        History(HistoryEventType.ElementEntered, boundary, null);
        LeaveWithMappings(token, boundary, null);
        return true;
    }

    private readonly List<string> _escalationsToParent = [];

    /// <summary>A called process escalated and nothing in it caught it: the call activity's boundaries, then its scopes, may.</summary>
    public async Task EscalateFromCallAsync(string tokenId, string code, CancellationToken cancellationToken)
    {
        var token = state.Tokens.First(t => t.Id == tokenId);
        if (!CatchEscalationAt(model.Node(token.ElementId), token.Id, token.ScopeId, code))
        {
            OfferEscalation(token.ScopeId, code);
        }

        await RunAsync(cancellationToken);
    }

    /// <summary>Cancels everything running in the scope and the other event sub-process starts listening there.</summary>
    private void InterruptScope(string scopeId)
    {
        foreach (var wait in state.Waits.Where(w => w.AnchorId == scopeId && model.Nodes.TryGetValue(w.ElementId, out var n) && n.Kind == NodeKind.StartEvent).ToList())
        {
            RemoveWait(wait);
        }

        var tree = state.ScopeTree(scopeId);
        foreach (var token in state.Tokens.Where(t => tree.Contains(t.ScopeId) && t.Waiting).ToList())
        {
            DetachAll(token.Id);
            History(HistoryEventType.ElementCancelled, model.Node(token.ElementId), null);
        }

        CancelScopeContents(scopeId);
    }

    private void RunEventSubProcess(FlowNode start, string parentScopeId)
    {
        var subProcess = model.Node(start.ScopeId!);
        var scope = new ScopeState { Id = state.NewScopeId(), ParentId = parentScopeId, ElementId = subProcess.Id };
        state.Scopes.Add(scope);
        History(HistoryEventType.ElementEntered, subProcess, null);
        ListenForEventSubProcesses(scope.Id, subProcess.Id);
        Enter(NewToken(start.Id, scope.Id), null);
    }
}
