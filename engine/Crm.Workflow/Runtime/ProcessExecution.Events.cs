using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Crm.Workflow.Jobs;
using Crm.Workflow.Messages;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>Waiting for time and messages: timer jobs, message subscriptions, boundary events, event gateways, async jobs.</summary>
public sealed partial class ProcessExecution
{
    private readonly List<EventWait> _removedWaits = [];

    /// <summary>An async element: the token waits and a job due now continues it after this step commits.</summary>
    private void WaitForAsyncJob(Token token, FlowNode node)
    {
        token.Waiting = true;
        token.Wait = WaitKind.Async;
        var job = NewJob(JobKind.Continue, node.Id, token.Id, engine.Clock.GetUtcNow(), node.RetryCycle);
        AddWait(job, token.Id, node.Id, null);
    }

    /// <summary>Timer and message boundary events of an activity that now waits; errors are caught when thrown.</summary>
    private void AttachBoundaries(FlowNode activity, string anchorId, Token? token)
    {
        if (token?.Body is not null || activity.Boundaries.Count == 0)
        {
            return;   // inner instances of a multi-instance activity share the boundaries of its body
        }

        DetachAll(anchorId);   // re-entering the same activity in a loop starts its timers afresh
        foreach (var boundary in activity.Boundaries.Where(b => b.Event!.Trigger is not (TriggerKind.Error or TriggerKind.Escalation or TriggerKind.Compensation or TriggerKind.Cancel)))
        {
            Subscribe(boundary, anchorId, token);
        }
    }

    /// <summary>Creates the timer job or message subscription an event waits on.</summary>
    private void Subscribe(FlowNode eventNode, string anchorId, Token? token)
    {
        // The start of an event sub-process is anchored on the scope it listens in, and sees that scope's variables.
        var variables = token is not null ? VariablesFor(token)
            : state.VisibleVariables(eventNode.Kind == NodeKind.StartEvent ? anchorId : AnchorScope(anchorId));
        SubscribeWith(eventNode, anchorId, variables);
    }

    private void SubscribeWith(FlowNode eventNode, string anchorId, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var spec = eventNode.Event ?? throw new ProcessExecutionException(eventNode.Id, "the element has no timer or message to wait for.");
        if (spec.Trigger == TriggerKind.Condition)
        {
            WatchCondition(eventNode, anchorId);
            _conditionsDirty = true;   // a condition that already holds fires at once
            return;
        }

        if (spec.Trigger == TriggerKind.Timer)
        {
            var plan = PlanTimer(eventNode, spec.Timer!, variables);
            var job = NewJob(JobKind.Timer, eventNode.Id, anchorId, plan.Due, eventNode.RetryCycle);
            var repeats = eventNode.Kind == NodeKind.BoundaryEvent ? !eventNode.Boundary!.CancelActivity : eventNode.Kind == NodeKind.StartEvent && !eventNode.Interrupting;
            if (plan.Cycle is not null && repeats)
            {
                job.Payload = JsonSerializer.Serialize(new JobPayload { Cycle = plan.Cycle, RemainingRepeats = plan.RemainingRepeats });
            }

            AddWait(job, anchorId, eventNode.Id, null);
            return;
        }

        var subscription = new MessageSubscription
        {
            MessageName = TextOf(spec.MessageName!, variables, eventNode.Id) ?? throw new ProcessExecutionException(eventNode.Id, "the message name is empty."),
            CorrelationKey = spec.CorrelationKey is null ? null : TextOf(spec.CorrelationKey, variables, eventNode.Id),
            InstanceId = instance.Id,
            BusinessKey = instance.BusinessKey,
            DefinitionId = instance.DefinitionId,
            ProcessKey = instance.ProcessKey,
            ElementId = eventNode.Id,
            AnchorId = anchorId,
            CreatedAt = engine.Clock.GetUtcNow(),
        };
        engine.Db.MessageSubscriptions.Add(subscription);
        state.Waits.Add(new EventWait { Id = subscription.Id, IsJob = false, AnchorId = anchorId, ElementId = eventNode.Id, MessageName = subscription.MessageName });
    }

    private TimerPlan PlanTimer(FlowNode eventNode, TimerSpec timer, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var text = TextOf(timer.Value, variables, eventNode.Id) ?? throw new ProcessExecutionException(eventNode.Id, "the timer expression gave no value.");
        try
        {
            return TimerSchedule.First(timer.Kind, text, engine.Clock.GetUtcNow());
        }
        catch (FormatException ex)
        {
            throw new ProcessExecutionException(eventNode.Id, ex.Message, ex);
        }
    }

    /// <summary>
    /// A signal throw (intermediate or end): the broadcast runs as a job after this commit, so every waiting instance —
    /// this one's other branches included — and every signal start receive it in a step of their own.
    /// </summary>
    private void QueueSignal(Token token, FlowNode node)
    {
        if (node.Event is not { IsSignal: true } signal)
        {
            return;
        }

        var subscriptionName = TextOf(signal.MessageName!, VariablesFor(token), node.Id) ?? throw new ProcessExecutionException(node.Id, "the signal name is empty.");
        var name = subscriptionName.StartsWith(SignalNames.Prefix, StringComparison.Ordinal) ? subscriptionName[SignalNames.Prefix.Length..] : subscriptionName;
        var job = NewJob(JobKind.SignalBroadcast, node.Id, token.Id, engine.Clock.GetUtcNow(), node.RetryCycle);
        job.Payload = JsonSerializer.Serialize(new JobPayload { Signal = name });
        engine.Db.Jobs.Add(job);
    }

    private Job NewJob(JobKind kind, string elementId, string anchorId, DateTimeOffset due, string? retryCycle) => new()
    {
        Kind = kind,
        InstanceId = instance.Id,
        DefinitionId = instance.DefinitionId,
        ProcessKey = instance.ProcessKey,
        ElementId = elementId,
        AnchorId = anchorId,
        DueAt = due,
        RetriesLeft = RetryPolicy.Attempts(retryCycle),
        CreatedAt = engine.Clock.GetUtcNow(),
    };

    private void AddWait(Job job, string anchorId, string elementId, string? messageName)
    {
        engine.Db.Jobs.Add(job);
        state.Waits.Add(new EventWait { Id = job.Id, IsJob = true, AnchorId = anchorId, ElementId = elementId, DueAt = job.DueAt, MessageName = messageName });
    }

    private void DetachAll(string anchorId)
    {
        foreach (var wait in state.Waits.Where(w => w.AnchorId == anchorId).ToList())
        {
            RemoveWait(wait);
        }
    }

    private void RemoveWait(EventWait wait)
    {
        state.Waits.Remove(wait);
        _removedWaits.Add(wait);
    }

    /// <summary>The wait a job or message is for; null when the instance no longer waits on it (stale).</summary>
    public EventWait? FindWait(Guid id) => state.Waits.FirstOrDefault(w => w.Id == id);

    /// <summary>
    /// A timer job or a message arrived for <paramref name="wait"/>: continues a catch event or receive task,
    /// picks the branch of an event gateway, or fires a boundary event. The job or subscription row itself
    /// is removed by the caller in this transaction.
    /// </summary>
    public async Task TriggerAsync(EventWait wait, IReadOnlyDictionary<string, JsonNode?>? variables, Job? timerJob, CancellationToken cancellationToken)
    {
        var eventNode = model.Node(wait.ElementId);
        History(timerJob is null ? HistoryEventType.MessageReceived : HistoryEventType.TimerFired, eventNode,
            timerJob is null ? new { message = wait.MessageName, variables = variables?.Keys } : new { due = timerJob.DueAt });
        Fire(wait, variables, timerJob);
        await RunAsync(cancellationToken);
    }

    /// <summary>Moves the instance on for a wait whose event happened (no run: the caller runs the agenda).</summary>
    private void Fire(EventWait wait, IReadOnlyDictionary<string, JsonNode?>? variables, Job? timerJob)
    {
        state.Waits.Remove(wait);
        var eventNode = model.Node(wait.ElementId);
        if (eventNode.Kind == NodeKind.BoundaryEvent)
        {
            FireBoundary(eventNode, wait.AnchorId, variables, timerJob);
        }
        else if (eventNode.Kind == NodeKind.StartEvent)
        {
            StartEventSubProcess(eventNode, wait.AnchorId, variables, timerJob);
        }
        else
        {
            var token = state.Tokens.First(t => t.Id == wait.AnchorId);
            DetachAll(token.Id);   // the other branches of an event gateway, the boundaries of a receive task
            token.Waiting = false;
            token.Wait = null;
            SetVariables(token.ScopeId, variables ?? new Dictionary<string, JsonNode?>());
            if (token.ElementId != eventNode.Id)
            {
                // An event gateway: the token moves to the event that won.
                History(HistoryEventType.ElementLeft, model.Node(token.ElementId), null);
                token.ElementId = eventNode.Id;
                History(HistoryEventType.ElementEntered, eventNode, null);
            }

            LeaveWithMappings(token, eventNode, null);
        }
    }

    /// <summary>Runs the element an async job was created for.</summary>
    public async Task ResumeAsyncAsync(EventWait wait, CancellationToken cancellationToken)
    {
        state.Waits.Remove(wait);
        var token = state.Tokens.First(t => t.Id == wait.AnchorId);
        var after = token.Wait == WaitKind.AsyncAfter;
        token.Waiting = false;
        token.Wait = null;
        if (after)
        {
            var node = model.Node(token.ElementId);
            Take(token, ChooseActivityFlows(token, node));
        }
        else
        {
            Enter(token, null, resumed: true);
        }

        await RunAsync(cancellationToken);
    }

    private void FireBoundary(FlowNode boundary, string anchorId, IReadOnlyDictionary<string, JsonNode?>? variables, Job? timerJob)
    {
        var scopeId = AnchorScope(anchorId);
        if (boundary.Boundary!.CancelActivity)
        {
            CancelAnchor(anchorId);
        }
        else
        {
            ListenAgain(boundary, anchorId, timerJob);
        }

        var token = NewToken(boundary.Id, scopeId);
        SetVariables(scopeId, variables ?? new Dictionary<string, JsonNode?>());
        History(HistoryEventType.ElementEntered, boundary, null);
        LeaveWithMappings(token, boundary, null);
    }

    /// <summary>
    /// A non-interrupting event fired and keeps listening while its anchor lives: a timer cycle ("remind every
    /// day") schedules its next firing; a message subscribes anew (the caller removed the subscription that fired).
    /// </summary>
    private void ListenAgain(FlowNode eventNode, string anchorId, Job? timerJob)
    {
        if (timerJob?.Payload is { } payload && JsonSerializer.Deserialize<JobPayload>(payload) is { Cycle: { } cycle } repeat
            && TimerSchedule.Next(cycle, timerJob.DueAt, repeat.RemainingRepeats, engine.Clock.GetUtcNow()) is { } next)
        {
            var job = NewJob(JobKind.Timer, eventNode.Id, anchorId, next.Due, eventNode.RetryCycle);
            job.Payload = JsonSerializer.Serialize(new JobPayload { Cycle = next.Cycle, RemainingRepeats = next.RemainingRepeats });
            AddWait(job, anchorId, eventNode.Id, null);
        }
        else if (timerJob is null && eventNode.Event?.Trigger == TriggerKind.Message)
        {
            Subscribe(eventNode, anchorId, null);
        }
        else if (eventNode.Event?.Trigger == TriggerKind.Condition)
        {
            WatchCondition(eventNode, anchorId, held: true);   // fires again when the condition turns true anew, not now
        }
    }

    /// <summary>The scope an anchor's boundary events continue in: the activity's own scope.</summary>
    private string AnchorScope(string anchorId)
    {
        if (state.Tokens.FirstOrDefault(t => t.Id == anchorId) is { } token)
        {
            return token.ScopeId;
        }

        if (state.Bodies.FirstOrDefault(b => b.Id == anchorId) is { } body)
        {
            return body.ScopeId;
        }

        return state.Scope(anchorId).ParentId!;
    }

    /// <summary>Interrupts an activity: a waiting token (its task, called process), a sub-process scope, or a multi-instance body.</summary>
    private void CancelAnchor(string anchorId)
    {
        DetachAll(anchorId);
        if (state.Tokens.FirstOrDefault(t => t.Id == anchorId) is { } token)
        {
            state.Tokens.Remove(token);
            if (token.Waiting)
            {
                _pendingCancellations.Add(token.Id);
            }

            History(HistoryEventType.ElementCancelled, model.Node(token.ElementId), null);
        }
        else if (state.Bodies.FirstOrDefault(b => b.Id == anchorId) is { } body)
        {
            CancelBody(body);
        }
        else
        {
            var scope = state.Scope(anchorId);
            CancelScopeContents(scope.Id);
            state.Scopes.Remove(scope);
            History(HistoryEventType.ElementCancelled, model.Node(scope.ElementId!), null);
        }
    }

    /// <summary>
    /// Throws a BPMN error from <paramref name="elementId"/>: the nearest error boundary event with the code
    /// (or without a code) catches it, looking at the throwing activity and then outwards through the
    /// enclosing sub-processes. Uncaught, it ends a called instance with the error for its parent; at the
    /// top it fails the step when a handler threw it, and ends like a none end event when an end event did.
    /// </summary>
    private void ThrowError(string code, string? message, string elementId, string scopeId, Token? thrower)
    {
        if (thrower is not null && CatchAt(model.Node(thrower.ElementId), thrower.Body ?? thrower.Id, thrower, code, message))
        {
            return;
        }

        // Outwards through the enclosing scopes: each scope's error event sub-processes, then its own boundary events.
        string? cameFrom = null;
        for (var scope = state.Scope(scopeId); ; scope = state.Scope(scope.ParentId))
        {
            if (CatchInEventSubProcess(scope, cameFrom, code, message, thrower))
            {
                return;
            }

            if (scope.ParentId is null)
            {
                break;
            }

            if (CatchAt(model.Node(scope.ElementId!), scope.Body ?? scope.Id, null, code, message))
            {
                return;
            }

            cameFrom = scope.ElementId;
        }

        if (instance.ParentInstanceId is not null)
        {
            _uncaughtErrorCode = code;
            Terminate(InstanceState.RootScopeId);
            return;
        }

        if (thrower is not null)
        {
            throw new ProcessExecutionException(elementId, $"the BPMN error '{code}' ({message}) is not caught by any error boundary event.");
        }

        History(HistoryEventType.ErrorUncaught, model.Node(elementId), new { code });
    }

    private string? _uncaughtErrorCode;

    private bool CatchAt(FlowNode activity, string anchorId, Token? thrower, string code, string? message)
    {
        var boundary = activity.Boundaries.FirstOrDefault(b => b.Event!.Trigger == TriggerKind.Error && b.Event.ErrorCode == code)
            ?? activity.Boundaries.FirstOrDefault(b => b.Event!.Trigger == TriggerKind.Error && b.Event.ErrorCode is null);
        if (boundary is null)
        {
            return false;
        }

        if (thrower is not null && thrower.Body is null && state.Tokens.Contains(thrower))
        {
            // The throwing task itself (not waiting): it simply stops here.
            DetachAll(thrower.Id);
            state.Tokens.Remove(thrower);
            if (thrower.Waiting)
            {
                _pendingCancellations.Add(thrower.Id);
            }
        }
        else
        {
            var scopeOfAnchor = AnchorScope(anchorId);
            CancelAnchor(anchorId);
            anchorId = scopeOfAnchor;
        }

        var token = NewToken(boundary.Id, thrower is not null && thrower.Body is null ? thrower.ScopeId : anchorId);
        History(HistoryEventType.ErrorCaught, boundary, new { code, message });
        var caught = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (boundary.Event!.ErrorCodeVariable is { } codeVariable) caught[codeVariable] = code;
        if (boundary.Event.ErrorMessageVariable is { } messageVariable) caught[messageVariable] = message;
        if (caught.Count > 0)
        {
            SetVariables(token.ScopeId, caught);
        }

        LeaveWithMappings(token, boundary, null);
        return true;
    }

    private string? TextOf(Expression expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        var value = Evaluate(expression, variables, elementId);
        return value switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
            _ => value.ToJsonString(),
        };
    }
}
