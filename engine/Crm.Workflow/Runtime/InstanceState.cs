using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Crm.Workflow.Runtime;

/// <summary>
/// The runtime state of one process instance: where its tokens are, the variable scopes and the arrivals
/// waiting at joins. Stored as one JSON document in the instance row, so a step reads and writes exactly
/// one row, and the row's revision makes concurrent steps on one instance mutually exclusive.
/// </summary>
public sealed class InstanceState
{
    public const string RootScopeId = "root";

    public List<Token> Tokens { get; set; } = [];
    public List<ScopeState> Scopes { get; set; } = [];
    public List<JoinArrival> Joins { get; set; } = [];
    /// <summary>Multi-instance activities in progress.</summary>
    public List<MultiInstanceBody> Bodies { get; set; } = [];
    /// <summary>Jobs and message subscriptions this instance is waiting on (their rows live in their own tables).</summary>
    public List<EventWait> Waits { get; set; } = [];
    /// <summary>Completed activities with a compensation handler, in completion order (null when there are none).</summary>
    public List<CompensationRecord>? Compensations { get; set; }
    /// <summary>Compensations under way: the handlers still to run, one after another.</summary>
    public List<CompensationRun>? CompensationRuns { get; set; }
    public long NextTokenNumber { get; set; }

    [JsonIgnore]
    public ScopeState Root => Scopes.First(s => s.Id == RootScopeId);

    public ScopeState Scope(string id) => Scopes.First(s => s.Id == id);

    public string NewScopeId() => "s" + ++NextTokenNumber;

    public string NewTokenId() => "t" + ++NextTokenNumber;

    public string Serialize() => JsonSerializer.Serialize(this, SerializerOptions);

    public static InstanceState Deserialize(string json) =>
        JsonSerializer.Deserialize<InstanceState>(json, SerializerOptions) ?? throw new InvalidDataException("Empty instance state.");

    /// <summary>Where a variable lives: the nearest scope from <paramref name="scopeId"/> upwards that defines it.</summary>
    public ScopeState? FindDefining(string scopeId, string name)
    {
        for (var scope = Scope(scopeId); ; scope = Scope(scope.ParentId!))
        {
            if (scope.Variables.ContainsKey(name))
            {
                return scope;
            }

            if (scope.ParentId is null)
            {
                return null;
            }
        }
    }

    /// <summary>All variables visible from a scope; inner scopes shadow outer ones.</summary>
    public Dictionary<string, JsonNode?> VisibleVariables(string scopeId)
    {
        var chain = new List<ScopeState>();
        for (var scope = Scope(scopeId); ; scope = Scope(scope.ParentId!))
        {
            chain.Add(scope);
            if (scope.ParentId is null)
            {
                break;
            }
        }

        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var (name, value) in chain[i].Variables)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>The scope and all scopes nested in it.</summary>
    public HashSet<string> ScopeTree(string scopeId)
    {
        var result = new HashSet<string>(StringComparer.Ordinal) { scopeId };
        bool grew;
        do
        {
            grew = false;
            foreach (var scope in Scopes.Where(s => s.ParentId is not null && result.Contains(s.ParentId) && !result.Contains(s.Id)))
            {
                result.Add(scope.Id);
                grew = true;
            }
        }
        while (grew);
        return result;
    }

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed class Token
{
    public required string Id { get; set; }
    public required string ElementId { get; set; }
    public required string ScopeId { get; set; }
    /// <summary>True while the token waits (user task); false while it moves through the graph in one run.</summary>
    public bool Waiting { get; set; }
    /// <summary>Activity-local variables from input mappings, kept while the token waits.</summary>
    public Dictionary<string, JsonNode?>? Locals { get; set; }
    /// <summary>The multi-instance body this token is an inner instance of.</summary>
    public string? Body { get; set; }
    /// <summary>Why the token waits: a person, a job (async, timer), a message, a called process.</summary>
    public WaitKind? Wait { get; set; }
    /// <summary>The compensation this token runs a handler for.</summary>
    public string? CompensationRun { get; set; }
    /// <summary>Runs of a standard loop completed so far (<c>loopCounter</c>); null outside one.</summary>
    public int? LoopCounter { get; set; }
}

/// <summary>An activity that completed and can be compensated by its handler.</summary>
public sealed class CompensationRecord
{
    public required string ScopeId { get; set; }
    public required string ActivityId { get; set; }
    public required string HandlerId { get; set; }
    public long Sequence { get; set; }
    /// <summary>The completed sub-processes (innermost first) it was recorded in, so <c>activityRef</c> can name one of them.</summary>
    public List<string>? Within { get; set; }

    /// <summary>
    /// A sub-process compensated by its compensation event sub-process (<see cref="HandlerId"/> is that start event): the
    /// records of its own completed activities, which a compensation thrown inside the event sub-process runs.
    /// </summary>
    public List<CompensationRecord>? Inner { get; set; }

    /// <summary>Such a sub-process's own variables when it completed: the event sub-process sees them again.</summary>
    public Dictionary<string, JsonNode?>? Variables { get; set; }
}

/// <summary>A compensation thrown in a scope: handlers run newest first; the thrower (if it waits) goes on after the last.</summary>
public sealed class CompensationRun
{
    public required string Id { get; set; }
    public required string ScopeId { get; set; }
    public string? ThrowerTokenId { get; set; }
    public List<string> Remaining { get; set; } = [];

    /// <summary>The records of <see cref="Remaining"/> handlers that are compensation event sub-processes (their scope comes back).</summary>
    public List<CompensationRecord>? Scopes { get; set; }

    /// <summary>A cancel end event started it: after the last handler, the transaction scope ends and leaves by its cancel boundary.</summary>
    public string? CancelsScopeId { get; set; }
}

public enum WaitKind
{
    Task,
    Async,
    Timer,
    Message,
    EventGateway,
    CalledProcess,
    /// <summary>A receive task without a message, waiting to be triggered.</summary>
    Trigger,
    /// <summary>After an element marked asyncAfter: a job takes its outgoing flows.</summary>
    AsyncAfter,
    /// <summary>An external task: a worker outside the server completes it.</summary>
    ExternalTask,
    /// <summary>A conditional catch event waiting for its condition to hold.</summary>
    Condition,
    /// <summary>A compensation throw event waiting for the handlers it started.</summary>
    Compensation,
}

/// <summary>
/// A job or message subscription the instance waits on. <see cref="AnchorId"/> is what it belongs to (a
/// token, a sub-process scope or a multi-instance body); when the anchor goes, the row is deleted in the
/// same transaction.
/// </summary>
public sealed class EventWait
{
    public required Guid Id { get; set; }
    public required bool IsJob { get; set; }
    public required string AnchorId { get; set; }
    /// <summary>The event that fires (boundary, catch event) or the element the job continues.</summary>
    public required string ElementId { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public string? MessageName { get; set; }
    /// <summary>A conditional event: no row anywhere; the instance evaluates it when its variables change.</summary>
    public bool IsCondition { get; set; }
    /// <summary>The condition held at its last evaluation (a non-interrupting event fires on a change to true).</summary>
    public bool ConditionHeld { get; set; }
}

/// <summary>
/// A multi-instance activity: counters, and the items still to run for a sequential one. Inner instances
/// waiting at a user task or call activity are parked in their task or child-instance row instead of the
/// state, so ten thousand readers do not make every step rewrite ten thousand tokens.
/// </summary>
public sealed class MultiInstanceBody
{
    public required string Id { get; set; }
    public required string ElementId { get; set; }
    public required string ScopeId { get; set; }
    public bool Sequential { get; set; }
    public int Total { get; set; }
    public int Active { get; set; }
    public int Completed { get; set; }
    public int NextIndex { get; set; }
    /// <summary>Items not yet started (sequential only).</summary>
    public JsonArray? Pending { get; set; }
}

public sealed class ScopeState
{
    public required string Id { get; set; }
    public string? ParentId { get; set; }
    /// <summary>The sub-process element this scope runs, null for the process itself.</summary>
    public string? ElementId { get; set; }
    /// <summary>The multi-instance body this sub-process scope is an inner instance of.</summary>
    public string? Body { get; set; }
    /// <summary>A completed sub-process brought back to run its compensation event sub-process for this compensation run.</summary>
    public string? CompensationRun { get; set; }
    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A token that reached a joining gateway and waits there for its siblings.</summary>
public sealed class JoinArrival
{
    public required string GatewayId { get; set; }
    public required string ScopeId { get; set; }
    public required string FlowId { get; set; }
    /// <summary>A complex gateway fired this round: the arrival (and later ones) only wait to be swallowed.</summary>
    public bool Fired { get; set; }
}
