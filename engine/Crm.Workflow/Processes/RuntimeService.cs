using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Expressions;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Processes;

public sealed record StartInstanceRequest(string ProcessKey, string? BusinessKey, Dictionary<string, JsonNode?>? Variables);

/// <summary>The new instance; <see cref="OpenTasks"/> lists the tasks the start created, so a client can go straight to the first one.</summary>
public sealed record StartedInstance(Guid Id, string State, IReadOnlyList<string> ActiveElementIds, IReadOnlyList<OpenTaskSummary>? OpenTasks = null);

public sealed record OpenTaskSummary(Guid Id, string Name, string ElementId, string? Assignee);

public sealed record InstanceView(
    Guid Id, Guid DefinitionId, string ProcessKey, int Version, string? BusinessKey, string State,
    DateTimeOffset StartedAt, string? StartedBy, DateTimeOffset? EndedAt,
    IReadOnlyDictionary<string, JsonNode?> Variables, IReadOnlyList<string> ActiveElementIds, IReadOnlyList<OpenTaskSummary> OpenTasks);

public sealed record InstanceSummary(Guid Id, string ProcessKey, int Version, string? BusinessKey, string State, DateTimeOffset StartedAt, string? StartedBy, DateTimeOffset? EndedAt, IReadOnlyList<string> ActiveElementIds);

public sealed record HistoryView(long Sequence, string Type, string? ElementId, string? ElementType, Guid? TaskId, string? UserName, DateTimeOffset At, JsonNode? Data);

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>Starts, reads and cancels process instances, filtered by what the caller may see.</summary>
public sealed class RuntimeService(WorkflowDbContext db, ProcessModelCache models, ProcessEngine engine, ProtectedVariables protectedVariables, IEnumerable<IProcessObjectAccess> objectAccess)
{
    public async Task<StartedInstance> StartAsync(StartInstanceRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.ProcessKey))
        {
            throw ValidationFailedException.For("processKey", "Name the process to start.");
        }

        using var activity = EngineTelemetry.Source.StartActivity("process.start");
        activity?.SetTag("crm.process.key", request.ProcessKey);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var definition = await models.LatestAsync(db, request.ProcessKey, cancellationToken);
        var model = await models.GetAsync(db, definition.Id, cancellationToken);
        if (!model.StartableByHand)
        {
            throw ValidationFailedException.For("processKey", $"'{request.ProcessKey}' is started by the application (for example by a check-out), not by hand.");
        }

        if (model.NoneStartOf(null) is not { } start)
        {
            throw ValidationFailedException.For("processKey", $"'{request.ProcessKey}' starts only by its timer or message.");
        }

        protectedVariables.Refuse(request.ProcessKey, (request.Variables ?? []).Keys, "a start by hand");
        if (Tasks.FormValidator.Validate(start.StartForm, request.Variables ?? []) is { Count: > 0 } formErrors)
        {
            throw new ValidationFailedException(formErrors);
        }

        var instance = await engine.ExecuteAsync(unit => unit.StartAsync(definition, null, request.Variables ?? [], request.BusinessKey, user.UserName, cancellationToken), cancellationToken);
        EngineTelemetry.StepDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        activity?.SetTag("crm.instance.id", instance.Id);
        var created = db.UserTasks.Local.Where(t => t.InstanceId == instance.Id && t.Status == Tasks.TaskStatus.Open)
            .Select(t => new OpenTaskSummary(t.Id, t.Name, t.ElementId, t.Assignee)).ToList();
        return new StartedInstance(instance.Id, instance.Status.ToString(), ActiveIds(instance), created);
    }

    public async Task<InstanceView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var instance = await Visible(user).AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Process instance {id} does not exist.");
        var state = InstanceState.Deserialize(instance.State);
        var tasks = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == id && t.Status == Tasks.TaskStatus.Open)
            .Select(t => new OpenTaskSummary(t.Id, t.Name, t.ElementId, t.Assignee))
            .ToListAsync(cancellationToken);
        var variables = state.Scopes.Count == 0 ? new Dictionary<string, JsonNode?>() : state.VisibleVariables(InstanceState.RootScopeId);
        if (await HiddenAsync(instance.ProcessKey, variables, user, cancellationToken) is { Count: > 0 } hidden)
        {
            variables = variables.ToDictionary(kv => kv.Key, kv => hidden.Contains(kv.Key) ? null : kv.Value);
        }

        return new InstanceView(instance.Id, instance.DefinitionId, instance.ProcessKey, instance.DefinitionVersion, instance.BusinessKey,
            instance.Status.ToString(), instance.StartedAt, instance.StartedBy, instance.EndedAt, variables, ActiveIds(instance), tasks);
    }

    public async Task<PagedList<InstanceSummary>> ListAsync(string? processKey, string? state, string? businessKey, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken)
    {
        var query = Visible(user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(processKey))
        {
            query = query.Where(i => i.ProcessKey == processKey);
        }

        if (!string.IsNullOrWhiteSpace(state))
        {
            var status = Enum.TryParse<InstanceStatus>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw ValidationFailedException.For("state", $"Use one of: {string.Join(", ", Enum.GetNames<InstanceStatus>())}.");
            query = query.Where(i => i.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(businessKey))
        {
            query = query.Where(i => i.BusinessKey == businessKey);
        }

        (page, pageSize) = Paging.Normalize(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new PagedList<InstanceSummary>(
            [.. rows.Select(i => new InstanceSummary(i.Id, i.ProcessKey, i.DefinitionVersion, i.BusinessKey, i.Status.ToString(), i.StartedAt, i.StartedBy, i.EndedAt, ActiveIds(i)))],
            total, page, pageSize);
    }

    public async Task<List<HistoryView>> HistoryAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var instance = await Visible(user).AsNoTracking().Where(i => i.Id == id).Select(i => new { i.ProcessKey, i.State }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Process instance {id} does not exist.");
        var batches = await db.HistoryBatches.AsNoTracking().Where(b => b.InstanceId == id).OrderBy(b => b.FirstSequence).ToListAsync(cancellationToken);
        var state = InstanceState.Deserialize(instance.State);
        var variables = state.Scopes.Count == 0 ? new Dictionary<string, JsonNode?>() : state.VisibleVariables(InstanceState.RootScopeId);
        var hidden = await HiddenAsync(instance.ProcessKey, variables, user, cancellationToken);
        return [.. batches.SelectMany(b => b.Read()).Select(e => new HistoryView(e.Sequence, e.Type.ToString(), e.ElementId, e.ElementType, e.TaskId, e.UserName, e.At,
            e.Type == HistoryEventType.VariableSet && hidden.Contains(e.Data?["name"]?.ToString() ?? "") ? HideValue(e.Data) : e.Data))];
    }

    /// <summary>Cancels a running instance (admins, process owners, or whoever started it).</summary>
    public async Task<StartedInstance> CancelAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var cancelled = await engine.ExecuteAsync(async unit =>
        {
            var instance = await Visible(user).SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
                ?? throw new NotFoundException($"Process instance {id} does not exist.");
            if (!user.IsProcessOwner && instance.StartedBy != user.UserName)
            {
                throw new ForbiddenException("Only process owners, admins or the person who started it can cancel an instance.");
            }

            if (instance.Status != InstanceStatus.Active)
            {
                throw new ConflictException($"The instance is already {instance.Status.ToString().ToLowerInvariant()}.");
            }

            if (instance.ParentInstanceId is { } parent)
            {
                throw new ConflictException($"The instance was started by a call activity of instance {parent}; cancel that one instead.");
            }

            if (protectedVariables.Of(instance.ProcessKey).Count > 0)
            {
                // Cancelling it here would leave its document locked or its article in review: its module ends it.
                throw new ConflictException($"'{instance.ProcessKey}' is run by the application for its document, case or article; end it there "
                    + "(cancel the check-out or force-unlock the document, withdraw the reading, close the case).");
            }

            await unit.CancelAsync(instance, user.UserName, cancellationToken);
            return instance;
        }, cancellationToken);
        return new StartedInstance(cancelled.Id, cancelled.Status.ToString(), ActiveIds(cancelled));
    }

    /// <summary>
    /// Triggers a receive task that waits without a message (process owners, admins, or who started the instance), with
    /// optional variables (never protected ones).
    /// </summary>
    public async Task<InstanceView> TriggerAsync(Guid id, string? elementId, Dictionary<string, JsonNode?>? variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(elementId))
        {
            throw ValidationFailedException.For("elementId", "Name the receive task to trigger.");
        }

        await engine.ExecuteAsync(async unit =>
        {
            var instance = await Visible(user).SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
                ?? throw new NotFoundException($"Process instance {id} does not exist.");
            if (!user.IsProcessOwner && instance.StartedBy != user.UserName)
            {
                throw new ForbiddenException("Only process owners, admins or the person who started it trigger an instance.");
            }

            if (instance.Status != InstanceStatus.Active)
            {
                throw new ConflictException($"The instance is already {instance.Status.ToString().ToLowerInvariant()}.");
            }

            protectedVariables.Refuse(instance.ProcessKey, (variables ?? []).Keys, "a trigger");
            if (protectedVariables.Of(instance.ProcessKey).Count > 0)
            {
                throw new ConflictException($"'{instance.ProcessKey}' is run by the application; its own pages move it on.");
            }

            var execution = await unit.OpenAsync(instance, user.UserName, cancellationToken);
            await execution.TriggerAsync(elementId.Trim(), variables ?? [], cancellationToken);
        }, cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    /// <summary>Sets process-level variables of a running instance (process owners): the usual fix before retrying an incident.</summary>
    public async Task<InstanceView> SetVariablesAsync(Guid id, Dictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(async unit =>
        {
            if (!user.IsProcessOwner)
            {
                throw new ForbiddenException("Only process owners and admins change variables of a running instance.");
            }

            if (variables.Count == 0 || variables.Keys.Any(string.IsNullOrWhiteSpace))
            {
                throw ValidationFailedException.For("variables", "Give at least one variable, each with a name.");
            }

            var instance = await db.ProcessInstances.SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
                ?? throw new NotFoundException($"Process instance {id} does not exist.");
            if (instance.Status != InstanceStatus.Active)
            {
                throw new ConflictException($"The instance is already {instance.Status.ToString().ToLowerInvariant()}.");
            }

            protectedVariables.Refuse(instance.ProcessKey, variables.Keys, "an edit of variables");
            var execution = await unit.OpenAsync(instance, user.UserName, cancellationToken);
            execution.SetVariables(InstanceState.RootScopeId, variables);
            await execution.SettleAsync(cancellationToken);   // conditional events the change makes true fire now
        }, cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    /// <summary>Protected variables whose object the caller may not see (their values are not shown to them).</summary>
    private async Task<IReadOnlySet<string>> HiddenAsync(string processKey, IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        var names = protectedVariables.Of(processKey);
        if (names.Count == 0 || user.IsAdmin)
        {
            return new HashSet<string>();
        }

        var access = objectAccess.FirstOrDefault(a => a.ProcessKey == processKey);
        return access is not null && await access.MaySeeAsync(variables, user, cancellationToken) ? new HashSet<string>() : names;
    }

    private static JsonNode? HideValue(JsonNode? data)
    {
        if (data?.DeepClone() is JsonObject copy)
        {
            copy["value"] = null;
            copy["hidden"] = true;
            return copy;
        }

        return data;
    }

    /// <summary>Instances the caller may see: all for process owners and admins; otherwise the ones they started or have a task in.</summary>
    public IQueryable<ProcessInstance> Visible(CurrentUser user)
    {
        if (user.IsProcessOwner)
        {
            return db.ProcessInstances;
        }

        var name = user.UserName;
        var involving = db.UserTasks.Where(TaskVisibility.Involves(user));
        return db.ProcessInstances.Where(i => i.StartedBy == name || involving.Any(t => t.InstanceId == i.Id));
    }

    private static List<string> ActiveIds(ProcessInstance instance) =>
        [.. instance.ActiveElementIds.Split(',', StringSplitOptions.RemoveEmptyEntries)];
}

public static class Paging
{
    public const int MaxPageSize = 200;

    public static (int Page, int PageSize) Normalize(int page, int pageSize) =>
        (Math.Max(1, page), pageSize <= 0 ? 50 : Math.Min(pageSize, MaxPageSize));
}
