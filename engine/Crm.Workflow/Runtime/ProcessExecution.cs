using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;
using Crm.Workflow.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>A step failed (expression, script, handler, no matching flow); names the element.</summary>
public sealed class ProcessExecutionException(string elementId, string message, Exception? inner = null)
    : Exception($"Element '{elementId}': {message}", inner)
{
    public string ElementId { get; } = elementId;
}

/// <summary>Services one execution needs; scoped, so handlers share the caller's DbContext and transaction.</summary>
public sealed record EngineContext(WorkflowDbContext Db, ExpressionEngine Expressions, HandlerCatalog Handlers, IServiceProvider Services, TimeProvider Clock)
{
    /// <summary>Who executes: a job executor's lock owner, or null for a user's request.</summary>
    public string? Executor { get; init; }

    /// <summary>Events the steps of this unit of work raised; <see cref="ProcessEngine"/> publishes them before it commits.</summary>
    public List<IDomainEvent> Raised { get; init; } = [];
}

/// <summary>
/// One unit of work on one instance: moves tokens synchronously until every token waits or the instance
/// ends, writing history and task rows into the DbContext. Nothing is saved here; the caller commits the
/// instance row (with its revision check), the task rows and the history rows in one SaveChanges.
/// </summary>
public sealed partial class ProcessExecution(ProcessModel model, ProcessInstance instance, InstanceState state, EngineContext engine, string? userName)
{
    private readonly Queue<Step> _agenda = new();
    private readonly List<HistoryEvent> _history = [];
    private int _steps;
    private int _stepAllowance;

    /// <summary>Guards against models that loop forever without waiting (e.g. a script loop back to itself).</summary>
    public int MaxStepsPerRun { get; init; } = 10_000;

    public ProcessInstance Instance => instance;
    public InstanceState State => state;

    public ProcessModel Model => model;

    /// <summary>Starts at the none start event, or at <paramref name="startEventId"/> (a timer or message start).</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken, string? startEventId = null)
    {
        state.Scopes.Add(new ScopeState { Id = InstanceState.RootScopeId });
        History(HistoryEventType.InstanceStarted, null, startEventId is null ? null : new { startEvent = startEventId });
        foreach (var (name, value) in variables)
        {
            SetVariable(InstanceState.RootScopeId, name, value);
        }

        var start = startEventId is null ? model.StartOf(null) : model.Node(startEventId);
        ListenForEventSubProcesses(InstanceState.RootScopeId, null);
        Enter(NewToken(start.Id, InstanceState.RootScopeId), null);
        await RunAsync(cancellationToken);
    }

    /// <summary>Continues a token that waited (user task), after setting the given variables.</summary>
    public async Task ContinueAsync(string tokenId, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
    {
        var token = state.Tokens.FirstOrDefault(t => t.Id == tokenId && t.Waiting)
            ?? throw new InvalidOperationException($"Token {tokenId} is not waiting in instance {instance.Id}.");
        token.Waiting = false;
        token.Wait = null;
        foreach (var (name, value) in variables)
        {
            SetVariable(token.ScopeId, name, value);
        }

        Leave(token);
        await RunAsync(cancellationToken);
    }

    /// <summary>Moves on the token waiting in a receive task without a message (the only waits a trigger may move).</summary>
    public async Task TriggerAsync(string elementId, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
    {
        var token = state.Tokens.FirstOrDefault(t => t.ElementId == elementId && t.Waiting && t.Wait == WaitKind.Trigger)
            ?? throw new ConflictException($"Nothing waits to be triggered at '{elementId}' in this instance.");
        DetachAll(token.Id);   // its boundary timers end with it
        History(HistoryEventType.MessageReceived, model.Node(elementId), new { trigger = true });
        await ContinueAsync(token.Id, variables, cancellationToken);
    }

    /// <summary>Ends the instance at once: open tasks are cancelled, tokens removed.</summary>
    public void Cancel()
    {
        CancelScopeContents(InstanceState.RootScopeId);
        instance.Status = InstanceStatus.Cancelled;
        instance.EndedAt = engine.Clock.GetUtcNow();
        History(HistoryEventType.InstanceCancelled, null, null);
    }

    /// <summary>Writes the state back into the instance row; call once before SaveChanges.</summary>
    public void Flush()
    {
        if (_history.Count > 0)
        {
            engine.Db.HistoryBatches.Add(new HistoryBatch
            {
                InstanceId = instance.Id,
                FirstSequence = _history[0].Sequence,
                LastSequence = _history[^1].Sequence,
                At = engine.Clock.GetUtcNow(),
                Events = JsonSerializer.Serialize(_history, HistoryBatch.Json),
            });
            _history.Clear();
        }

        Repark();
        instance.State = state.Serialize();
        instance.ActiveElementIds = string.Join(',', state.Tokens.Where(t => t.Waiting).Select(t => t.ElementId)
            .Concat(state.Bodies.Select(b => b.ElementId)).Distinct());
        instance.Revision++;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (instance.Status == InstanceStatus.Active)
        {
            while (_agenda.TryDequeue(out var step))
            {
                if (++_steps > MaxStepsPerRun + _stepAllowance)
                {
                    throw new ProcessExecutionException(step.Token.ElementId, $"more than {MaxStepsPerRun} steps without a wait state; does the model loop?");
                }

                if (!state.Tokens.Contains(step.Token))
                {
                    continue;   // removed meanwhile (terminate end event)
                }

                if (step.Leaving)
                {
                    Leave(step.Token);
                }
                else
                {
                    await ExecuteAsync(step.Token, step.ArrivedBy, step.Resumed, cancellationToken);
                }
            }

            if (instance.Status != InstanceStatus.Active || (!FireReadyJoins() && !FireConditions() && !CompleteEmptyScopes()))
            {
                break;
            }
        }
    }

    private Token NewToken(string elementId, string scopeId)
    {
        var token = new Token { Id = state.NewTokenId(), ElementId = elementId, ScopeId = scopeId };
        state.Tokens.Add(token);
        return token;
    }

    private void Enter(Token token, SequenceFlow? arrivedBy, bool resumed = false) => _agenda.Enqueue(new Step(token, false, arrivedBy, resumed));

    private async Task ExecuteAsync(Token token, SequenceFlow? arrivedBy, bool resumed, CancellationToken cancellationToken)
    {
        var node = model.Node(token.ElementId);
        if (node.AsyncBefore && !resumed && token.Body is null)
        {
            WaitForAsyncJob(token, node);
            return;
        }

        History(HistoryEventType.ElementEntered, node, null);
        if (node.StandardLoop is not null && token.LoopCounter is null && !StartStandardLoop(token, node))
        {
            return;
        }

        RunListeners(token, node, "start");
        if (node.MultiInstance is not null && token.Body is null)
        {
            await EnterMultiInstanceAsync(token, node, cancellationToken);
            return;
        }

        switch (node.Kind)
        {
            case NodeKind.StartEvent:
                LeaveWithMappings(token, node, null);
                break;
            case NodeKind.ManualTask:
            case NodeKind.Task:
                token.Locals = EvaluateInputs(token, node);   // its input mappings are there for its output mappings
                LeaveWithMappings(token, node, null);
                break;
            case NodeKind.EndEvent when node.Event?.Trigger == TriggerKind.Cancel:
                CancelTransaction(token, node);
                break;
            case NodeKind.EndEvent:
                QueueSignal(token, node);
                RunListeners(token, node, "end");
                History(HistoryEventType.ElementLeft, node, null);
                state.Tokens.Remove(token);
                ThrowEscalation(token, node);
                Compensate(token.ScopeId, node, thrower: null);
                break;
            case NodeKind.TerminateEndEvent:
                RunListeners(token, node, "end");
                History(HistoryEventType.ElementLeft, node, null);
                state.Tokens.Remove(token);
                Terminate(token.ScopeId);
                break;
            case NodeKind.IntermediateThrowEvent:
                if (node.Event?.Trigger == TriggerKind.Compensation && Compensate(token.ScopeId, node, token))
                {
                    break;   // the token waits for the handlers
                }

                QueueSignal(token, node);
                ThrowEscalation(token, node);
                if (state.Tokens.Contains(token))
                {
                    LeaveWithMappings(token, node, null);   // unless an interrupting catch took its scope away
                }

                break;
            case NodeKind.ErrorEndEvent:
                History(HistoryEventType.ElementLeft, node, null);
                state.Tokens.Remove(token);
                ThrowError(node.Event!.ErrorCode!, null, node.Id, token.ScopeId, null);
                break;
            case NodeKind.UserTask:
                token.Locals = EvaluateInputs(token, node);
                token.Waiting = true;
                token.Wait = WaitKind.Task;
                CreateUserTask(token, node);
                AttachBoundaries(node, token.Id, token);
                break;
            case NodeKind.ReceiveTask:
            case NodeKind.IntermediateCatchEvent:
                token.Locals = EvaluateInputs(token, node);
                token.Waiting = true;
                token.Wait = node.Event!.Trigger switch { TriggerKind.Timer => WaitKind.Timer, TriggerKind.Trigger => WaitKind.Trigger, TriggerKind.Condition => WaitKind.Condition, _ => WaitKind.Message };
                // Boundaries first: attaching them clears the anchor's earlier waits, which would take this step's own with them.
                AttachBoundaries(node, token.Id, token);
                if (node.Event.Trigger != TriggerKind.Trigger)
                {
                    Subscribe(node, token.Id, token);
                }
                break;
            case NodeKind.EventBasedGateway:
                token.Waiting = true;
                token.Wait = WaitKind.EventGateway;
                foreach (var flow in node.Outgoing)
                {
                    Subscribe(model.Node(flow.TargetId), token.Id, token);
                }

                break;
            case NodeKind.CallActivity:
                await StartCalledProcessAsync(token, node, cancellationToken);
                break;
            case NodeKind.ServiceTask:
                await RunServiceTaskAsync(token, node, cancellationToken);
                break;
            case NodeKind.ScriptTask:
                RunScriptTask(token, node);
                break;
            case NodeKind.BusinessRuleTask:
                await RunBusinessRuleTaskAsync(token, node, cancellationToken);
                break;
            case NodeKind.SubProcess:
                EnterSubProcess(token, node);
                break;
            case NodeKind.ExclusiveGateway:
                History(HistoryEventType.ElementLeft, node, null);
                Take(token, [ChooseExclusive(token, node)]);
                break;
            case NodeKind.ParallelGateway:
                JoinParallel(token, node, arrivedBy);
                break;
            case NodeKind.InclusiveGateway:
                if (node.Incoming.Count > 1)
                {
                    // Waits here; FireReadyJoins decides when no more tokens can arrive.
                    state.Tokens.Remove(token);
                    state.Joins.Add(new JoinArrival { GatewayId = node.Id, ScopeId = token.ScopeId, FlowId = arrivedBy?.Id ?? "" });
                }
                else
                {
                    History(HistoryEventType.ElementLeft, node, null);
                    Take(token, ChooseInclusive(token, node));
                }

                break;
            case NodeKind.ComplexGateway:
                if (node.Incoming.Count > 1)
                {
                    ArriveAtComplexJoin(token, node, arrivedBy);
                }
                else
                {
                    History(HistoryEventType.ElementLeft, node, null);
                    Take(token, ChooseInclusive(token, node));
                }

                break;
            default:
                throw new ProcessExecutionException(node.Id, $"{node.Kind} is not executable.");
        }
    }

    private void Leave(Token token)
    {
        var node = model.Node(token.ElementId);
        LeaveWithMappings(token, node, null);
    }

    /// <summary>Applies output mappings (against locals and, for sub-processes, the inner scope), then takes the outgoing flows.</summary>
    private void LeaveWithMappings(Token token, FlowNode node, string? innerScopeId)
    {
        if (node.Outputs.Count > 0)
        {
            var visible = VariablesFor(token, innerScopeId);
            foreach (var output in node.Outputs)
            {
                SetVariable(token.ScopeId, output.Name, Evaluate(output.Value, visible, node.Id));
            }
        }

        RunListeners(token, node, "end");
        History(HistoryEventType.ElementLeft, node, null);
        if (token.Body is not null)
        {
            CompleteInnerInstance(token, node);
            return;
        }

        RecordCompensable(token, node);

        token.Locals = null;
        if (node.StandardLoop is not null && LoopAgain(token, node))
        {
            return;
        }

        if (node.AsyncAfter && node.Outgoing.Count > 0)
        {
            // asyncAfter: this step commits here; a job takes the outgoing flows in a step of its own. The element is
            // done: its boundary events end now, not when the job runs.
            DetachAll(token.Id);
            token.Waiting = true;
            token.Wait = WaitKind.AsyncAfter;
            AddWait(NewJob(Jobs.JobKind.Continue, node.Id, token.Id, engine.Clock.GetUtcNow(), node.RetryCycle), token.Id, node.Id, null);
            return;
        }

        Take(token, ChooseActivityFlows(token, node));
    }

    /// <summary>Script execution listeners of the element for this event; what they set goes to the token's scope.</summary>
    private void RunListeners(Token token, FlowNode node, string eventName)
    {
        foreach (var listener in node.Listeners.Where(l => l.Event == eventName))
        {
            ScriptResult result;
            try
            {
                result = engine.Expressions.RunScript(listener.Script, VariablesFor(token), node.Id);
            }
            catch (ExpressionException ex)
            {
                throw new ProcessExecutionException(node.Id, $"the {eventName} listener failed: {ex.Message}", ex);
            }

            SetVariables(token.ScopeId, result.SetVariables);
        }
    }

    /// <summary>Moves the token along the flows; extra flows get new tokens (an implicit parallel split).</summary>
    private void Take(Token token, List<SequenceFlow> flows)
    {
        if (flows.Count == 0)
        {
            state.Tokens.Remove(token);   // implicit end: an activity without outgoing flows
            if (token.CompensationRun is { } run)
            {
                NextCompensationHandler(run);
            }

            return;
        }

        for (var i = 0; i < flows.Count; i++)
        {
            var next = i == 0 ? token : NewToken(flows[i].TargetId, token.ScopeId);
            next.ElementId = flows[i].TargetId;
            next.Waiting = false;
            Enter(next, flows[i]);
        }
    }

    private List<SequenceFlow> ChooseActivityFlows(Token token, FlowNode node)
    {
        if (node.Outgoing.Count <= 1 || node.Outgoing.All(f => f.Condition is null))
        {
            return [.. node.Outgoing];
        }

        return ChooseInclusive(token, node);
    }

    private SequenceFlow ChooseExclusive(Token token, FlowNode node)
    {
        if (node.Outgoing.Count == 1)
        {
            return node.Outgoing[0];
        }

        var variables = VariablesFor(token);
        foreach (var flow in node.Outgoing.Where(f => f.Id != node.DefaultFlowId))
        {
            if (flow.Condition is null || Condition(flow, variables))
            {
                return flow;
            }
        }

        return node.Outgoing.FirstOrDefault(f => f.Id == node.DefaultFlowId)
            ?? throw new ProcessExecutionException(node.Id, "no outgoing flow's condition is true and the gateway has no default flow.");
    }

    private List<SequenceFlow> ChooseInclusive(Token token, FlowNode node)
    {
        var variables = VariablesFor(token);
        var chosen = node.Outgoing.Where(f => f.Id != node.DefaultFlowId && (f.Condition is null || Condition(f, variables))).ToList();
        if (chosen.Count == 0)
        {
            chosen.AddRange(node.Outgoing.Where(f => f.Id == node.DefaultFlowId));
        }

        return chosen.Count > 0 ? chosen
            : throw new ProcessExecutionException(node.Id, "no outgoing flow's condition is true and there is no default flow.");
    }

    private readonly record struct Step(Token Token, bool Leaving, SequenceFlow? ArrivedBy, bool Resumed = false);
}
