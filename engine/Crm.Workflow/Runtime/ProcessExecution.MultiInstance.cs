using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Multi-instance activities. The body keeps counters; each inner instance is a token with
/// <c>loopCounter</c> and the element variable as locals. Inner instances of a parallel body that wait at a
/// user task or call activity are parked in the task or child row (see <see cref="MultiInstanceBody"/>).
/// </summary>
public sealed partial class ProcessExecution
{
    private readonly List<string> _cancelledBodies = [];

    private Task EnterMultiInstanceAsync(Token token, FlowNode node, CancellationToken cancellationToken)
    {
        var spec = node.MultiInstance!;
        var variables = VariablesFor(token);
        var items = ItemsOf(node, spec, variables);
        var body = new MultiInstanceBody
        {
            Id = "m" + ++state.NextTokenNumber,
            ElementId = node.Id,
            ScopeId = token.ScopeId,
            Sequential = spec.Sequential,
            Total = items.Count,
        };
        state.Tokens.Remove(token);
        state.Bodies.Add(body);
        _stepAllowance += 4 * items.Count;   // each inner instance takes a few steps; that is not a loop
        if (items.Count == 0)
        {
            CompleteBody(body, node);
            return Task.CompletedTask;
        }

        AttachBoundaries(node, body.Id, null);
        if (spec.Sequential)
        {
            body.Pending = [.. items.Skip(1).Select(i => i?.DeepClone())];
            StartInner(body, node, token, items[0]);
        }
        else
        {
            for (var i = 0; i < items.Count; i++)
            {
                StartInner(body, node, token, items[i]);
            }
        }

        return Task.CompletedTask;
    }

    private List<JsonNode?> ItemsOf(FlowNode node, MultiInstanceSpec spec, Dictionary<string, JsonNode?> variables)
    {
        if (spec.Collection is not null)
        {
            return Evaluate(spec.Collection, variables, node.Id) switch
            {
                JsonArray array => [.. array],
                null => throw new ProcessExecutionException(node.Id, "the multi-instance collection is empty (null); give it a list."),
                var other => throw new ProcessExecutionException(node.Id, $"the multi-instance collection must be a list, not {other.GetValueKind()}."),
            };
        }

        var count = Evaluate(spec.Cardinality!, variables, node.Id);
        // Any number: a handler's result in the same step is a JsonValue of int (TryGetValue<double> refuses it), a loaded one a JSON number.
        return count is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0 && n == Math.Floor(n) && n <= 100_000
            ? [.. Enumerable.Range(0, (int)n).Select(_ => (JsonNode?)null)]
            : throw new ProcessExecutionException(node.Id, $"the loop cardinality must be a whole number from 0 to 100000, not {count?.ToJsonString() ?? "null"}.");
    }

    private void StartInner(MultiInstanceBody body, FlowNode node, Token outer, JsonNode? item)
    {
        var inner = NewToken(node.Id, body.ScopeId);
        inner.Body = body.Id;
        inner.Locals = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["loopCounter"] = body.NextIndex };
        foreach (var (name, value) in outer.Locals ?? [])
        {
            inner.Locals.TryAdd(name, value?.DeepClone());
        }

        if (node.MultiInstance!.ElementVariable is { } elementVariable)
        {
            inner.Locals[elementVariable] = item?.DeepClone();
        }

        body.NextIndex++;
        body.Active++;
        Enter(inner, null, resumed: true);
    }

    /// <summary>An inner instance finished: count it, then start the next (sequential) or end the body when done or when the completion condition holds.</summary>
    private void CompleteInnerInstance(Token token, FlowNode node)
    {
        var body = state.Bodies.First(b => b.Id == token.Body);
        body.Active--;
        body.Completed++;
        var variables = VariablesFor(token);
        state.Tokens.Remove(token);
        var conditionMet = node.MultiInstance!.CompletionCondition is { } condition
            && engine.Expressions.EvaluateCondition(condition, variables, node.Id);
        if (conditionMet || body.Completed == body.Total)
        {
            CompleteBody(body, node);
            return;
        }

        if (body.Sequential && body.Pending is { Count: > 0 } pending)
        {
            var next = pending[0]?.DeepClone();
            pending.RemoveAt(0);
            StartInner(body, node, new Token { Id = "", ElementId = node.Id, ScopeId = body.ScopeId }, next);
        }
    }

    /// <summary>Ends the body: inner instances still running are cancelled, and the activity is left once.</summary>
    private void CompleteBody(MultiInstanceBody body, FlowNode node)
    {
        RemoveBody(body);
        var token = NewToken(node.Id, body.ScopeId);
        History(HistoryEventType.ElementLeft, node, new { body.Total, body.Completed });
        Take(token, ChooseActivityFlows(token, node));
    }

    private void CancelBody(MultiInstanceBody body)
    {
        RemoveBody(body);
        History(HistoryEventType.ElementCancelled, model.Node(body.ElementId), new { body.Total, body.Completed });
    }

    private void RemoveBody(MultiInstanceBody body)
    {
        state.Bodies.Remove(body);
        DetachAll(body.Id);
        foreach (var inner in state.Tokens.Where(t => t.Body == body.Id).ToList())
        {
            state.Tokens.Remove(inner);
            DetachAll(inner.Id);
            if (inner.Waiting)
            {
                _pendingCancellations.Add(inner.Id);
            }
        }

        foreach (var scope in state.Scopes.Where(s => s.Body == body.Id).ToList())
        {
            CancelScopeContents(scope.Id);
            state.Scopes.Remove(scope);
        }

        if (body.Active > 0)
        {
            _cancelledBodies.Add(body.Id);   // parked inner instances: their tasks and called processes end on commit
        }
    }

    /// <summary>Parks a waiting inner instance of a parallel body outside the state; returns its JSON for the row that wakes it.</summary>
    private string? Park(Token token)
    {
        if (token.Body is null || state.Bodies.First(b => b.Id == token.Body).Sequential)
        {
            return null;
        }

        state.Tokens.Remove(token);
        return JsonSerializer.Serialize(token, ParkedJson);
    }

    /// <summary>Brings a parked inner instance back so it can move on; false when its body has ended meanwhile.</summary>
    public bool Unpark(string parkedToken)
    {
        var token = JsonSerializer.Deserialize<Token>(parkedToken, ParkedJson)!;
        if (!state.Bodies.Any(b => b.Id == token.Body) || state.Tokens.Any(t => t.Id == token.Id))
        {
            return state.Tokens.Any(t => t.Id == token.Id);
        }

        state.Tokens.Add(token);
        _unparked.Add(token);
        return true;
    }

    private readonly List<Token> _unparked = [];

    /// <summary>An unparked token that still waits at its task (claim, delegate) goes back to its row on flush.</summary>
    private void Repark()
    {
        foreach (var token in _unparked.Where(t => t.Waiting && t.Wait == WaitKind.Task))
        {
            state.Tokens.Remove(token);
        }

        _unparked.Clear();
    }

    private static readonly JsonSerializerOptions ParkedJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
