using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Runtime;

/// <summary>Element behaviours: tasks, sub-processes, joins, termination.</summary>
public sealed partial class ProcessExecution
{
    /// <summary>Variables whose values link a task to business objects (shown and filtered in the inbox).</summary>
    private static readonly string[] LinkVariables = ["customerId", "counterpartyId", "personId", "caseId", "documentId", "articleId", "complaintId", "erasureId", "surveyId"];

    private async Task RunServiceTaskAsync(Token token, FlowNode node, CancellationToken cancellationToken)
    {
        var locals = EvaluateInputs(token, node) ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        token.Locals = locals;
        if (node.ServiceTask!.IsExternal)
        {
            WaitForWorker(token, node);
            return;
        }

        var visible = VariablesFor(token);
        var type = node.ServiceTask!.HandlerType;
        IReadOnlyDictionary<string, JsonNode?>? result;
        try
        {
            var handler = engine.Handlers.Resolve(engine.Services, type);
            result = await handler.ExecuteAsync(
                new ServiceTaskContext(instance.Id, instance.ProcessKey, instance.BusinessKey, node.Id, visible, locals, userName)
                {
                    IdempotencyKey = $"{instance.Id:N}:{token.Id}:{node.Id}:{instance.HistorySequence}",
                    ExecutedBy = engine.Executor,
                },
                cancellationToken);
        }
        catch (BpmnErrorException error)
        {
            History(HistoryEventType.ErrorThrown, node, new { code = error.ErrorCode, message = error.Message });
            ThrowError(error.ErrorCode, error.Message, node.Id, token.ScopeId, token);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ProcessExecutionException and not Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            // Messages meant for people (a business rule, bad input) are shown; anything else is an internal error
            // whose text (SQL, stack details) stays in the server log, attached as the inner exception.
            var shown = ex is ServiceTaskFailedException or Common.DomainException ? ex.Message : "an internal error (the server log has the details)";
            throw new ProcessExecutionException(node.Id, $"handler '{type}' failed: {shown}", ex);
        }

        ApplyResult(token, node, locals, result ?? new Dictionary<string, JsonNode?>());
    }

    private void RunScriptTask(Token token, FlowNode node)
    {
        var locals = EvaluateInputs(token, node) ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        token.Locals = locals;
        var visible = VariablesFor(token);
        ScriptResult result;
        try
        {
            result = engine.Expressions.RunScript(node.ScriptTask!.Script, visible, node.Id);
        }
        catch (ExpressionException ex)
        {
            throw new ProcessExecutionException(node.Id, ex.Message[(node.Id.Length + 2)..], ex);
        }

        var produced = new Dictionary<string, JsonNode?>(result.SetVariables, StringComparer.Ordinal);
        if (node.ScriptTask.ResultVariable is { } resultVariable)
        {
            produced[resultVariable] = result.Value;
        }

        ApplyResult(token, node, locals, produced);
    }

    /// <summary>With output mappings, results are inputs to them; without, results become process variables.</summary>
    private void ApplyResult(Token token, FlowNode node, Dictionary<string, JsonNode?> locals, IReadOnlyDictionary<string, JsonNode?> produced)
    {
        if (node.Outputs.Count > 0)
        {
            foreach (var (name, value) in produced)
            {
                locals[name] = value;
            }

            token.Locals = locals;
        }
        else
        {
            foreach (var (name, value) in produced)
            {
                SetVariable(token.ScopeId, name, value);
            }
        }

        LeaveWithMappings(token, node, null);
    }

    private void EnterSubProcess(Token token, FlowNode node)
    {
        var locals = EvaluateInputs(token, node);
        var scope = new ScopeState { Id = state.NewScopeId(), ParentId = token.ScopeId, ElementId = node.Id, Body = token.Body };
        state.Scopes.Add(scope);
        foreach (var (name, value) in locals ?? [])
        {
            SetLocalVariable(scope, name, value);
        }

        state.Tokens.Remove(token);
        if (scope.Body is null)
        {
            AttachBoundaries(node, scope.Id, null);   // first: it clears the anchor's earlier waits
        }

        ListenForEventSubProcesses(scope.Id, node.Id);
        Enter(NewToken(model.StartOf(node.Id).Id, scope.Id), null);
    }

    /// <summary>A scope with nothing left in it is complete: a sub-process continues in its parent, the process ends.</summary>
    private bool CompleteEmptyScopes()
    {
        foreach (var scope in state.Scopes.OrderByDescending(s => Depth(s)).ToList())
        {
            var busy = state.Tokens.Any(t => t.ScopeId == scope.Id)
                || state.Joins.Any(j => j.ScopeId == scope.Id)
                || state.Bodies.Any(b => b.ScopeId == scope.Id)
                || state.Scopes.Any(s => s.ParentId == scope.Id);
            if (busy)
            {
                continue;
            }

            if (scope.ParentId is null)
            {
                instance.Status = InstanceStatus.Completed;
                instance.EndedAt = engine.Clock.GetUtcNow();
                History(HistoryEventType.InstanceCompleted, null, null);
                return false;
            }

            if (scope.CompensationRun is { } runId)
            {
                CompleteCompensationScope(scope, runId);
                return true;
            }

            var node = model.Node(scope.ElementId!);
            CloseCompensations(scope, node);
            var token = NewToken(node.Id, scope.ParentId);
            token.Body = scope.Body;
            LeaveWithMappings(token, node, scope.Id);
            state.Scopes.Remove(scope);
            return true;
        }

        return false;
    }

    private int Depth(ScopeState scope)
    {
        var depth = 0;
        for (var s = scope; s.ParentId is not null; s = state.Scope(s.ParentId))
        {
            depth++;
        }

        return depth;
    }

    /// <summary>Terminate end event: ends everything in its scope; at process level, the instance.</summary>
    private void Terminate(string scopeId)
    {
        CancelScopeContents(scopeId);
        if (scopeId == InstanceState.RootScopeId)
        {
            instance.Status = InstanceStatus.Terminated;
            instance.EndedAt = engine.Clock.GetUtcNow();
            History(HistoryEventType.InstanceTerminated, null, null);
            _agenda.Clear();
        }
    }

    private readonly List<string> _pendingCancellations = [];

    /// <summary>Removes tokens, joins and inner scopes under a scope; their open tasks are cancelled on <see cref="CancelRemovedTasksAsync"/>.</summary>
    private void CancelScopeContents(string scopeId)
    {
        var tree = state.ScopeTree(scopeId);
        foreach (var body in state.Bodies.Where(b => tree.Contains(b.ScopeId)).ToList())
        {
            RemoveBody(body);
        }

        var tokens = state.Tokens.Where(t => tree.Contains(t.ScopeId)).ToList();
        state.Tokens.RemoveAll(t => tree.Contains(t.ScopeId));
        state.Joins.RemoveAll(j => tree.Contains(j.ScopeId));
        state.Scopes.RemoveAll(s => s.Id != scopeId && tree.Contains(s.Id));
        var ids = tokens.Where(t => t.Waiting).Select(t => t.Id).ToList();
        _pendingCancellations.AddRange(ids);
    }

    private void CreateUserTask(Token token, FlowNode node)
    {
        var spec = node.UserTask!;
        var visible = VariablesFor(token);

        var now = engine.Clock.GetUtcNow();
        var task = new UserTask
        {
            InstanceId = instance.Id,
            ProcessKey = instance.ProcessKey,
            ProcessName = model.Name,
            BusinessKey = instance.BusinessKey,
            ElementId = node.Id,
            TokenId = token.Id,
            Name = TaskName(spec, node, visible),
            Assignee = Text(spec.Assignee, visible, node.Id),
            DueAt = Date(spec.DueDate, visible, node.Id, now),
            FollowUpAt = Date(spec.FollowUpDate, visible, node.Id, now),
            Priority = Number(spec.Priority, visible, node.Id) ?? 50,
            FormKey = spec.FormKey,
            FormSchema = spec.FormSchema,
            Inputs = token.Locals is { Count: > 0 } locals ? JsonSerializer.Serialize(locals) : null,
            Links = LinksOf(visible),
            CreatedAt = now,
            ClaimedAt = null,
        };
        task.Candidates.AddRange(List(spec.CandidateUsers, visible, node.Id).Select(n => new TaskCandidate { Kind = CandidateKind.User, Name = n }));
        task.Candidates.AddRange(List(spec.CandidateGroups, visible, node.Id).Select(n => new TaskCandidate { Kind = CandidateKind.Group, Name = n }));
        if (Park(token) is { } parked)
        {
            task.ParkedToken = parked;
            task.MultiInstanceBodyId = token.Body;
        }

        engine.Db.UserTasks.Add(task);
        // Subscribers (e.g. notifications) act in the same commit; a rolled-back step tells no one.
        engine.Raised.Add(new TaskCreated(task.Id, task.ProcessKey, now));
        History(HistoryEventType.TaskCreated, node, new { task.Assignee, candidates = task.Candidates.Select(c => $"{c.Kind}:{c.Name}") }, task.Id);
    }

    /// <summary>An expression in a task's name that cannot be evaluated leaves the name as drawn: a label never stops the process.</summary>
    private string TaskName(UserTaskSpec spec, FlowNode node, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        try
        {
            return Text(spec.Name, variables, node.Id) is { } name ? name[..Math.Min(name.Length, 300)] : node.DisplayName;
        }
        catch (ProcessExecutionException)
        {
            return node.DisplayName;
        }
    }

    private string? Text(Expression? expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        var value = expression is null ? null : Evaluate(expression, variables, elementId);
        return value switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
            _ => value.ToJsonString(),
        };
    }

    private List<string> List(Expression? expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        var value = expression is null ? null : Evaluate(expression, variables, elementId);
        var items = value switch
        {
            null => [],
            JsonArray array => array.Select(a => a?.ToString() ?? "").ToList(),
            _ => [.. (Text(expression, variables, elementId) ?? "").Split(',')],
        };
        return [.. items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    private int? Number(Expression? expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId)
    {
        var text = Text(expression, variables, elementId);
        return text is null ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ProcessExecutionException(elementId, $"priority '{text}' is not a whole number.");
    }

    /// <summary>An ISO-8601 date/time, or a duration (P2D, PT4H) counted from now.</summary>
    private DateTimeOffset? Date(Expression? expression, IReadOnlyDictionary<string, JsonNode?> variables, string elementId, DateTimeOffset now)
    {
        var text = Text(expression, variables, elementId);
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('P'))
        {
            try
            {
                return now + XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                throw new ProcessExecutionException(elementId, $"'{text}' is not an ISO-8601 duration.");
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date.ToUniversalTime()
            : throw new ProcessExecutionException(elementId, $"'{text}' is neither an ISO-8601 date nor a duration.");
    }

    private static string? LinksOf(Dictionary<string, JsonNode?> variables)
    {
        var links = LinkVariables.Where(n => variables.TryGetValue(n, out var v) && v is not null)
            .ToDictionary(n => n, n => variables[n]!.ToString());
        return links.Count == 0 ? null : JsonSerializer.Serialize(links);
    }
}
