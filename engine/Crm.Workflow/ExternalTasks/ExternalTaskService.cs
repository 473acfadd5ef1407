using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.ExternalTasks;

public sealed record FetchTopic(string TopicName, long LockDuration, List<string>? Variables);

/// <summary><paramref name="AsyncResponseTimeout"/> (ms): with no task to lock, wait up to this long for one (long polling, at most 30 s).</summary>
public sealed record FetchAndLockRequest(string WorkerId, int MaxTasks, List<FetchTopic> Topics, bool UsePriority = false, long? AsyncResponseTimeout = null);

public sealed record LockedExternalTask(Guid Id, string TopicName, string WorkerId, Guid ProcessInstanceId, string ProcessDefinitionKey, string ActivityId,
    string? BusinessKey, int? Retries, string? ErrorMessage, long Priority, DateTimeOffset LockExpirationTime, Dictionary<string, JsonNode?> Variables);

public sealed record CompleteExternalTaskRequest(string WorkerId, Dictionary<string, JsonNode?>? Variables);

public sealed record ExternalTaskFailureRequest(string WorkerId, string? ErrorMessage, string? ErrorDetails, int Retries, long RetryTimeout);

public sealed record ExternalTaskBpmnErrorRequest(string WorkerId, string ErrorCode, string? ErrorMessage, Dictionary<string, JsonNode?>? Variables);

public sealed record ExtendLockRequest(string WorkerId, long NewDuration);

public sealed record ExternalTaskView(Guid Id, string Topic, Guid InstanceId, string ProcessKey, string ElementId, string? BusinessKey, long Priority,
    int? Retries, string? ErrorMessage, string? WorkerId, DateTimeOffset? LockExpiresAt, bool Incident, DateTimeOffset CreatedAt);

/// <summary>
/// The worker side of external tasks, as Camunda 7's REST API offers it: fetch-and-lock by topic, complete, failure
/// with retries (none left: an incident), BPMN error, extend lock, unlock. Workers sign in with an API token of an
/// account in the external-worker role (or a process owner's); every report names the worker that holds the lock.
/// </summary>
public sealed class ExternalTaskService(WorkflowDbContext db, ProcessEngine engine, Tasks.ProtectedVariables protectedVariables, TimeProvider clock)
{
    private const int MaxBatch = 100;
    private static readonly TimeSpan MaxLock = TimeSpan.FromDays(1);

    /// <summary>The longest a fetch waits for tasks (Camunda allows more; a proxy or client timeout usually cuts it sooner).</summary>
    public static readonly TimeSpan MaxAsyncResponse = TimeSpan.FromSeconds(30);

    /// <summary>A waiting fetch looks again this often: for tasks another server offered, and retries whose back-off ended.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    public async Task<List<LockedExternalTask>> FetchAndLockAsync(FetchAndLockRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        RequireWorkerId(request.WorkerId);
        if (request.Topics is not { Count: > 0 } || request.Topics.Any(t => string.IsNullOrWhiteSpace(t.TopicName) || t.LockDuration <= 0 || t.LockDuration > MaxLock.TotalMilliseconds))
        {
            throw ValidationFailedException.For("topics", "Name at least one topic, each with a lockDuration in milliseconds (up to a day).");
        }

        var wanted = Math.Clamp(request.MaxTasks, 1, MaxBatch);
        var topics = request.Topics.Select(t => t.TopicName.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var patience = TimeSpan.FromMilliseconds(Math.Clamp(request.AsyncResponseTimeout ?? 0, 0, (long)MaxAsyncResponse.TotalMilliseconds));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var offered = ExternalTaskSignal.Next;   // before looking, so a task saved meanwhile still wakes this fetch
            var locked = await LockAsync(request, topics, wanted, user, cancellationToken);
            var left = patience - waited.Elapsed;
            if (locked.Count > 0 || left <= TimeSpan.Zero)
            {
                return await ViewsAsync(locked, request.Topics, cancellationToken);
            }

            // Long polling: no busy loop; a commit offering a task wakes it, else it looks again after a while.
            await Task.WhenAny(offered, Task.Delay(left < Recheck ? left : Recheck, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<List<ExternalTask>> LockAsync(FetchAndLockRequest request, List<string> topics, int wanted, CurrentUser user, CancellationToken cancellationToken)
    {
        var locked = new List<ExternalTask>();
        for (var round = 0; round < 3 && locked.Count < wanted; round++)
        {
            var now = clock.GetUtcNow();
            var taken = locked.Select(t => t.Id).ToList();
            var query = db.ExternalTasks.AsNoTracking().Where(t => topics.Contains(t.Topic) && !t.Incident && (t.LockExpiresAt == null || t.LockExpiresAt < now) && !taken.Contains(t.Id));
            query = request.UsePriority ? query.OrderByDescending(t => t.Priority).ThenBy(t => t.CreatedAt) : query.OrderBy(t => t.CreatedAt);
            var candidates = await query.Take(wanted - locked.Count).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                break;
            }

            // One row at a time, each guarded by its revision: a row another worker locked first is skipped, the rest are ours.
            foreach (var task in candidates)
            {
                var topic = request.Topics.First(t => t.TopicName.Trim() == task.Topic);
                db.ExternalTasks.Attach(task);
                task.WorkerId = request.WorkerId.Trim();
                task.LockedBy = user.UserName;
                task.LockExpiresAt = now + TimeSpan.FromMilliseconds(topic.LockDuration);
                task.Revision++;
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    locked.Add(task);
                }
                catch (DbUpdateConcurrencyException)
                {
                    db.ChangeTracker.Clear();
                }
            }
        }

        return locked;
    }

    public async Task CompleteAsync(Guid id, CompleteExternalTaskRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        await engine.ExecuteAsync(async unit =>
        {
            var (task, execution) = await LoadLockedAsync(unit, id, request.WorkerId, user, cancellationToken);
            var variables = request.Variables ?? [];
            protectedVariables.Refuse(task.ProcessKey, variables.Keys, "an external task");
            db.ExternalTasks.Remove(task);
            await execution.ContinueAsync(task.TokenId, variables, cancellationToken);
        }, cancellationToken);
    }

    public async Task BpmnErrorAsync(Guid id, ExternalTaskBpmnErrorRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        if (string.IsNullOrWhiteSpace(request.ErrorCode))
        {
            throw ValidationFailedException.For("errorCode", "Give the BPMN error code.");
        }

        await engine.ExecuteAsync(async unit =>
        {
            var (task, execution) = await LoadLockedAsync(unit, id, request.WorkerId, user, cancellationToken);
            var variables = request.Variables ?? [];
            protectedVariables.Refuse(task.ProcessKey, variables.Keys, "an external task");
            db.ExternalTasks.Remove(task);
            await execution.ThrowFromWaitingAsync(task.TokenId, request.ErrorCode.Trim(), request.ErrorMessage, variables, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The worker could not do it: with retries left it is offered again after retryTimeout; with none it becomes an incident.</summary>
    public async Task FailureAsync(Guid id, ExternalTaskFailureRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        if (request.Retries < 0 || request.RetryTimeout < 0 || request.RetryTimeout > MaxLock.TotalMilliseconds)
        {
            throw ValidationFailedException.For("retries", "Retries and retryTimeout (milliseconds, up to a day) cannot be negative.");
        }

        var task = await LockedByAsync(id, request.WorkerId, user, cancellationToken);
        var now = clock.GetUtcNow();
        task.Retries = request.Retries;
        task.ErrorMessage = request.ErrorMessage is { Length: > 2000 } text ? text[..2000] : request.ErrorMessage;
        task.ErrorDetails = request.ErrorDetails;
        task.WorkerId = null;
        task.LockedBy = null;
        task.LockExpiresAt = request.Retries > 0 ? now + TimeSpan.FromMilliseconds(request.RetryTimeout) : null;
        task.Incident = request.Retries == 0;
        task.FailedAt = now;
        task.Revision++;
        await SaveAsync(id, cancellationToken);
    }

    /// <summary>A report that lost a race (the task was completed, cancelled or re-locked meanwhile) is a 409, not an error.</summary>
    private async Task SaveAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"External task {id} changed meanwhile (completed, cancelled or locked again); fetch and lock it again.");
        }
    }

    public async Task ExtendLockAsync(Guid id, ExtendLockRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        if (request.NewDuration <= 0 || request.NewDuration > MaxLock.TotalMilliseconds)
        {
            throw ValidationFailedException.For("newDuration", "Give the new lock duration in milliseconds (up to a day).");
        }

        var task = await LockedByAsync(id, request.WorkerId, user, cancellationToken);
        task.LockExpiresAt = clock.GetUtcNow() + TimeSpan.FromMilliseconds(request.NewDuration);
        task.Revision++;
        await SaveAsync(id, cancellationToken);
    }

    /// <summary>Gives a task back before its lock expires: the account that locked it, or a process owner.</summary>
    public async Task UnlockAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        var task = await db.ExternalTasks.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException($"External task {id} does not exist.");
        if (task.LockedBy is { } holder && holder != user.UserName && !user.IsProcessOwner)
        {
            throw new ForbiddenException($"External task {id} is locked by another account.");
        }

        (task.WorkerId, task.LockedBy, task.LockExpiresAt) = (null, null, null);
        task.Revision++;
        await SaveAsync(id, cancellationToken);
    }

    public async Task<List<ExternalTaskView>> ListAsync(string? topic, Guid? instanceId, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorker(user);
        var rows = await db.ExternalTasks.AsNoTracking()
            .Where(t => (topic == null || t.Topic == topic) && (instanceId == null || t.InstanceId == instanceId))
            .OrderBy(t => t.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return [.. rows.Select(t => new ExternalTaskView(t.Id, t.Topic, t.InstanceId, t.ProcessKey, t.ElementId, t.BusinessKey, t.Priority, t.Retries, t.ErrorMessage,
            t.WorkerId, t.LockExpiresAt, t.Incident, t.CreatedAt))];
    }

    private async Task<List<LockedExternalTask>> ViewsAsync(List<ExternalTask> tasks, List<FetchTopic> topics, CancellationToken cancellationToken)
    {
        var result = new List<LockedExternalTask>();
        foreach (var group in tasks.GroupBy(t => t.InstanceId))
        {
            var state = await db.ProcessInstances.AsNoTracking().Where(i => i.Id == group.Key).Select(i => i.State).SingleAsync(cancellationToken);
            var instanceState = InstanceState.Deserialize(state);
            foreach (var task in group)
            {
                var names = topics.First(t => t.TopicName.Trim() == task.Topic).Variables;
                var hidden = protectedVariables.Of(task.ProcessKey);   // what the application set for its record stays in the server
                var variables = ProcessExecution.VariablesOfToken(instanceState, task.TokenId)
                    .Where(v => (names is null || names.Contains(v.Key, StringComparer.Ordinal)) && !hidden.Contains(v.Key))
                    .ToDictionary(v => v.Key, v => v.Value?.DeepClone(), StringComparer.Ordinal);
                result.Add(new LockedExternalTask(task.Id, task.Topic, task.WorkerId!, task.InstanceId, task.ProcessKey, task.ElementId, task.BusinessKey,
                    task.Retries, task.ErrorMessage, task.Priority, task.LockExpiresAt!.Value, variables));
            }
        }

        return result;
    }

    private async Task<ExternalTask> LockedByAsync(Guid id, string? workerId, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireWorkerId(workerId);
        var task = await db.ExternalTasks.SingleOrDefaultAsync(t => t.Id == id, cancellationToken)
            ?? throw new NotFoundException($"External task {id} does not exist (completed, or its process moved on).");
        if (task.WorkerId == workerId!.Trim() && task.LockedBy is { } account && account != user.UserName)
        {
            // The worker id is the client's word; the lock also belongs to the account that took it.
            throw new ForbiddenException($"External task {id} was locked by another account.");
        }

        if (task.WorkerId != workerId!.Trim())
        {
            throw new ConflictException(task.WorkerId is null
                ? $"External task {id} is not locked: fetch and lock it first."
                : $"External task {id} is locked by worker '{task.WorkerId}'.");
        }

        return task;
    }

    private async Task<(ExternalTask Task, ProcessExecution Execution)> LoadLockedAsync(EngineUnit unit, Guid id, string? workerId, CurrentUser user, CancellationToken cancellationToken)
    {
        var task = await LockedByAsync(id, workerId, user, cancellationToken);
        var instance = await db.ProcessInstances.SingleAsync(i => i.Id == task.InstanceId, cancellationToken);
        var execution = await unit.OpenAsync(instance, user.UserName, cancellationToken);
        if (!execution.State.Tokens.Any(t => t.Id == task.TokenId && t.Waiting && t.Wait == WaitKind.ExternalTask))
        {
            if (execution.Instance.Status != Processes.InstanceStatus.Active || execution.State.Tokens.All(t => t.Id != task.TokenId))
            {
                throw new NotFoundException($"External task {id} is no longer wanted: its process moved on.");
            }

            throw new DbUpdateConcurrencyException("The external task changed while it was being read.");
        }

        return (task, execution);
    }

    private static void RequireWorker(CurrentUser user)
    {
        if (!user.IsProcessOwner && !user.Roles.Contains(Roles.ExternalWorker))
        {
            throw new ForbiddenException("Only external workers, process owners and admins serve external tasks.");
        }
    }

    private static void RequireWorkerId(string? workerId)
    {
        if (string.IsNullOrWhiteSpace(workerId) || workerId.Length > 200)
        {
            throw ValidationFailedException.For("workerId", "Name the worker (workerId, up to 200 characters).");
        }
    }
}
