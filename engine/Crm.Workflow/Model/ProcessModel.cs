using System.Collections.Frozen;

namespace Crm.Workflow.Model;

public enum NodeKind
{
    StartEvent,
    EndEvent,
    TerminateEndEvent,
    UserTask,
    ServiceTask,
    ScriptTask,
    ManualTask,
    Task,
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    SubProcess,
    /// <summary>Waits for a message (<see cref="FlowNode.Event"/> names it).</summary>
    ReceiveTask,
    /// <summary>Starts another process and waits for it to end.</summary>
    CallActivity,
    /// <summary>Waits for the first of the catch events that follow it.</summary>
    EventBasedGateway,
    /// <summary>Timer or message catch event in the flow.</summary>
    IntermediateCatchEvent,
    /// <summary>A none intermediate throw event: a milestone that passes straight through.</summary>
    IntermediateThrowEvent,
    /// <summary>Timer, message or error event attached to an activity.</summary>
    BoundaryEvent,
    /// <summary>End event that throws a BPMN error to the nearest matching error boundary event.</summary>
    ErrorEndEvent,
    /// <summary>
    /// A sub-process with <c>triggeredByEvent="true"</c>: no flows in or out; its one start event (timer, message,
    /// signal, error) listens while the enclosing (sub-)process runs, interrupting it or running beside it.
    /// </summary>
    EventSubProcess,
    /// <summary>Evaluates a DMN decision table (<c>camunda:decisionRef</c>) and keeps its result in a variable.</summary>
    BusinessRuleTask,
    /// <summary>
    /// Splits like an inclusive gateway; as a join it fires when its activation condition holds for the tokens that
    /// have arrived (or, without one, when no more can arrive), then swallows the latecomers of that round.
    /// </summary>
    ComplexGateway,
}

/// <summary>An expression from the model: JavaScript text, or a literal when the attribute held plain text.</summary>
public sealed record Expression(string Source, bool IsLiteral)
{
    public static Expression Literal(string value) => new(value, true);
    public static Expression Script(string source) => new(source, false);
}

/// <summary><c>name = expression</c>, used by input and output mappings.</summary>
public sealed record Mapping(string Name, Expression Value);

public sealed record UserTaskSpec(
    Expression? Assignee,
    Expression? CandidateUsers,
    Expression? CandidateGroups,
    Expression? DueDate,
    Expression? FollowUpDate,
    Expression? Priority,
    string? FormKey,
    string? FormSchema)
{
    /// <summary>
    /// What a completion may set besides the form's fields: <c>crm:writes="a,b"</c>, or the ids of Camunda's
    /// <c>camunda:formData/camunda:formField</c>. A task with neither a form nor writes sets nothing.
    /// </summary>
    public IReadOnlyList<string> Writes { get; init; } = [];

    /// <summary>A name with expressions in it; null when the element's name is plain text.</summary>
    public Expression? Name { get; init; }
}

/// <summary>A script execution listener (Camunda's <c>camunda:executionListener</c>): run when the element starts or ends.</summary>
public sealed record ListenerSpec(string Event, string Script);

public sealed record ServiceTaskSpec(string HandlerType)
{
    /// <summary>Camunda's external tasks (<c>camunda:type="external"</c>): the topic workers fetch it by.</summary>
    public const string External = "external";

    public string? Topic { get; init; }

    /// <summary><c>camunda:taskPriority</c>: workers asking by priority get higher numbers first.</summary>
    public Expression? Priority { get; init; }

    public bool IsExternal => HandlerType == External;
}

public sealed record ScriptTaskSpec(string Script, string? ResultVariable);

/// <summary>How a decision's result becomes the result variable (Camunda's <c>mapDecisionResult</c>).</summary>
public enum DecisionResultMapping
{
    /// <summary>Every matched rule as an object of its outputs (the default).</summary>
    ResultList,
    /// <summary>The one matched rule's object; null without a match; an error with several.</summary>
    SingleResult,
    /// <summary>The one matched rule's one output value (or a COLLECT's aggregate).</summary>
    SingleEntry,
    /// <summary>The values of the one output over every matched rule.</summary>
    CollectEntries,
}

/// <summary>A business-rule task: which decision (latest version, or a pinned one), where its result goes and in what shape.</summary>
public sealed record BusinessRuleSpec(Expression DecisionRef, int? Version, string? ResultVariable, DecisionResultMapping Mapping);

/// <summary>A node of the process graph. Immutable once the model is built.</summary>
public sealed class FlowNode
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required NodeKind Kind { get; init; }
    /// <summary>Id of the enclosing sub-process, or null at process level.</summary>
    public string? ScopeId { get; init; }
    public string? DefaultFlowId { get; init; }
    public IReadOnlyList<Mapping> Inputs { get; init; } = [];
    public IReadOnlyList<Mapping> Outputs { get; init; } = [];
    public UserTaskSpec? UserTask { get; init; }
    public ServiceTaskSpec? ServiceTask { get; init; }
    public ScriptTaskSpec? ScriptTask { get; init; }
    public BusinessRuleSpec? BusinessRule { get; init; }
    /// <summary>The trigger of a timer/message/error start, catch, boundary or error end event, or of a receive task.</summary>
    public EventSpec? Event { get; init; }
    public BoundarySpec? Boundary { get; init; }
    public CallActivitySpec? CallActivity { get; init; }
    public MultiInstanceSpec? MultiInstance { get; init; }
    public StandardLoopSpec? StandardLoop { get; init; }
    /// <summary>On a complex gateway: when the join fires; sees <c>activationCount</c>, the tokens that have arrived.</summary>
    public Expression? ActivationCondition { get; init; }
    /// <summary>Commit before running this element and continue as a job (<c>crm:async</c>, <c>camunda:asyncBefore</c>).</summary>
    public bool AsyncBefore { get; init; }
    /// <summary>Camunda's asyncAfter: after the element completes, its outgoing flows are taken by a job of their own.</summary>
    public bool AsyncAfter { get; init; }
    /// <summary>How often and how far apart a failing job is retried (<c>R5/PT1M</c>); null for the default.</summary>
    public string? RetryCycle { get; init; }
    /// <summary>The form a person fills when starting the process by hand (JSON schema), on a none start event.</summary>
    public string? StartForm { get; init; }

    /// <summary>Script execution listeners on start and end.</summary>
    public IReadOnlyList<ListenerSpec> Listeners { get; init; } = [];

    /// <summary><c>isForCompensation="true"</c>: run only to compensate its activity, never reached by a flow.</summary>
    public bool IsForCompensation { get; init; }

    /// <summary>On the start event of an event sub-process: whether it cancels the rest of its scope (<c>isInterrupting</c>, default true).</summary>
    public bool Interrupting { get; init; } = true;

    /// <summary>A <c>bpmn:transaction</c>: runs as a sub-process; a cancel end event inside compensates it and leaves by its cancel boundary.</summary>
    public bool IsTransaction { get; init; }

    /// <summary>Boundary events attached to this activity, in document order.</summary>
    public IReadOnlyList<FlowNode> Boundaries { get; internal set; } = [];

    public IReadOnlyList<SequenceFlow> Incoming { get; internal set; } = [];
    public IReadOnlyList<SequenceFlow> Outgoing { get; internal set; } = [];

    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name;

    public bool IsGateway => Kind is NodeKind.ExclusiveGateway or NodeKind.ParallelGateway or NodeKind.InclusiveGateway or NodeKind.EventBasedGateway or NodeKind.ComplexGateway;

    /// <summary>Activities can carry boundary events, multi-instance and input/output mappings.</summary>
    public bool IsActivity => Kind is NodeKind.UserTask or NodeKind.ServiceTask or NodeKind.ScriptTask or NodeKind.ManualTask
        or NodeKind.Task or NodeKind.SubProcess or NodeKind.ReceiveTask or NodeKind.CallActivity or NodeKind.BusinessRuleTask;
}

public sealed record SequenceFlow(string Id, string? Name, string SourceId, string TargetId, Expression? Condition);

/// <summary>One executable process, parsed from BPMN XML and validated; cached per definition version.</summary>
public sealed class ProcessModel
{
    public required string Key { get; init; }
    public string? Name { get; init; }
    /// <summary>False for processes the application starts (check-out, reading): people cannot start them from a list.</summary>
    public bool StartableByHand { get; init; } = true;
    public required FrozenDictionary<string, FlowNode> Nodes { get; init; }
    public required FrozenDictionary<string, SequenceFlow> Flows { get; init; }

    public FlowNode Node(string id) => Nodes[id];

    /// <summary>The none start event of a scope (process level when <paramref name="scopeId"/> is null).</summary>
    public FlowNode StartOf(string? scopeId) =>
        NoneStartOf(scopeId) ?? throw new InvalidOperationException($"Process '{Key}' has no none start event; start it by its timer or message.");

    public FlowNode? NoneStartOf(string? scopeId) =>
        Nodes.Values.FirstOrDefault(n => n.Kind == NodeKind.StartEvent && n.ScopeId == scopeId && n.Event is null);

    /// <summary>Process-level start events with a timer or message trigger.</summary>
    public IEnumerable<FlowNode> TriggeredStarts => Nodes.Values.Where(n => n.Kind == NodeKind.StartEvent && n.ScopeId is null && n.Event is not null);

    /// <summary>The event sub-processes of a scope (process level when <paramref name="scopeId"/> is null), with their start events.</summary>
    public IEnumerable<(FlowNode SubProcess, FlowNode Start)> EventSubProcessesOf(string? scopeId) =>
        Nodes.Values.Where(n => n.Kind == NodeKind.EventSubProcess && n.ScopeId == scopeId)
            .Select(n => (SubProcess: n, Start: Nodes.Values.FirstOrDefault(s => s.Kind == NodeKind.StartEvent && s.ScopeId == n.Id)))
            .Where(e => e.Start is not null)
            .Select(e => (e.SubProcess, e.Start!));

    /// <summary>The start event of the compensation event sub-process of a sub-process, or null when it has none.</summary>
    public FlowNode? CompensationStartOf(string subProcessId) =>
        EventSubProcessesOf(subProcessId).Select(e => e.Start).FirstOrDefault(s => s.Event?.Trigger == TriggerKind.Compensation);

    /// <summary>Nodes that can reach <paramref name="targetId"/> within the same scope (used by inclusive joins).</summary>
    public bool CanReach(string fromId, string targetId, string excludingId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(fromId);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (id == targetId)
            {
                return true;
            }

            if (!seen.Add(id) || (id == excludingId && id != fromId))
            {
                continue;
            }

            foreach (var flow in Nodes[id].Outgoing)
            {
                stack.Push(flow.TargetId);
            }
        }

        return false;
    }
}

/// <summary>A problem in a definition, tied to the element that has it.</summary>
public sealed record BpmnError(string ElementId, string Message);

public sealed class BpmnValidationException(IReadOnlyList<BpmnError> errors)
    : Exception($"The process definition has {errors.Count} error(s): " + string.Join("; ", errors.Select(e => $"{e.ElementId}: {e.Message}")))
{
    public IReadOnlyList<BpmnError> Errors { get; } = errors;
}
