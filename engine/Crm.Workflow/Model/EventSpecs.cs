namespace Crm.Workflow.Model;

public enum TriggerKind
{
    Timer,
    Message,
    Error,
    /// <summary>An escalation: thrown by an end or intermediate throw event, caught (interrupting or not) by an enclosing scope.</summary>
    Escalation,
    /// <summary>Compensation: a boundary names the handler of its activity; a throw event compensates its scope (or one activity).</summary>
    Compensation,
    /// <summary>A condition over the variables, evaluated when the event starts waiting and whenever a step changes variables.</summary>
    Condition,
    /// <summary>A receive task without a message: it waits until it is triggered by its element id (API or a module).</summary>
    Trigger,
    /// <summary>A transaction's cancel end event (thrown) or cancel boundary event (caught): compensate the transaction, then leave it.</summary>
    Cancel,
}

public enum TimerKind
{
    /// <summary><c>timeDate</c>: an ISO-8601 date and time.</summary>
    Date,
    /// <summary><c>timeDuration</c>: an ISO-8601 duration counted from when the timer is created.</summary>
    Duration,
    /// <summary><c>timeCycle</c>: <c>R[n]/[start/]duration</c> or a cron expression.</summary>
    Cycle,
}

public sealed record TimerSpec(TimerKind Kind, Expression Value);

/// <summary>
/// What an event waits for or throws. Message names may be expressions; <see cref="CorrelationKey"/> is
/// evaluated when the subscription is made and must equal the key a message carries.
/// </summary>
/// <remarks><see cref="ErrorCode"/> holds the error code, or the escalation code of an escalation.</remarks>
public sealed record EventSpec(TriggerKind Trigger, TimerSpec? Timer = null, Expression? MessageName = null, Expression? CorrelationKey = null, string? ErrorCode = null)
{
    /// <summary>On an error boundary: the variables that receive the caught error's code and message (Camunda's errorCodeVariable, errorMessageVariable).</summary>
    public string? ErrorCodeVariable { get; init; }

    public string? ErrorMessageVariable { get; init; }

    /// <summary>A compensation throw's <c>activityRef</c>: compensate that activity only.</summary>
    public string? ActivityRef { get; init; }

    /// <summary>A compensation boundary's handler, joined to it by an association.</summary>
    public string? CompensationHandlerId { get; init; }

    /// <summary>The condition of a conditional event.</summary>
    public Expression? Condition { get; init; }

    /// <summary>A signal: caught like a message named <c>signal:&lt;name&gt;</c>, thrown as a broadcast to every instance waiting for it.</summary>
    public bool IsSignal { get; init; }
}

/// <summary>Signals travel as subscriptions named with this prefix, so no message can be mistaken for one.</summary>
public static class SignalNames
{
    public const string Prefix = "signal:";
}

/// <summary>A boundary event: attached to an activity, interrupting (cancels the activity) or not.</summary>
public sealed record BoundarySpec(string AttachedToId, bool CancelActivity);

/// <summary>One variable passed into or out of a called process; <c>All</c> copies every variable.</summary>
public sealed record VariableMapping(string? Source, Expression? SourceExpression, string? Target, bool All);

/// <summary>
/// A call activity: the process key (literal or expression), which version (latest unless pinned),
/// variables in and out (all of them when no mapping is given, as in Zeebe).
/// </summary>
public sealed record CallActivitySpec(Expression ProcessKey, int? Version, IReadOnlyList<VariableMapping> In, IReadOnlyList<VariableMapping> Out, bool PassBusinessKey);

/// <summary>
/// Multi-instance loop characteristics: over a collection (variable name or expression) or a count,
/// one inner instance per item, with an optional completion condition.
/// </summary>
public sealed record MultiInstanceSpec(bool Sequential, Expression? Collection, string? ElementVariable, Expression? Cardinality, Expression? CompletionCondition);

/// <summary>
/// A standard loop (<c>standardLoopCharacteristics</c>): the activity runs again while <see cref="Condition"/> holds,
/// tested before each run (<c>testBefore</c>) or after it (the default), at most <see cref="Maximum"/> times.
/// </summary>
public sealed record StandardLoopSpec(Expression? Condition, bool TestBefore, int? Maximum);
