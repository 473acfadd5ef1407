using System.Text.Json;
using Crm.Workflow.Model;
using Crm.Workflow.Jobs;
using Crm.Workflow.Messages;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Runtime;

/// <summary>
/// Before the step commits: cancel what the step interrupted (tasks, called processes), delete jobs and
/// subscriptions nothing waits on any more, and tell a parent that its called process ended. Everything
/// lands in the same SaveChanges as the instance row.
/// </summary>
public sealed partial class ProcessExecution
{
    public async Task PrepareCommitAsync(CancellationToken cancellationToken)
    {
        await CancelChildrenAsync(cancellationToken);
        await CancelRemovedTasksAsync(cancellationToken);
        if (instance.Status != InstanceStatus.Active)
        {
            foreach (var wait in state.Waits.ToList())
            {
                RemoveWait(wait);
            }
        }

        foreach (var wait in state.Waits.Where(w => !StillWaiting(w)).ToList())
        {
            RemoveWait(wait);
        }

        foreach (var wait in _removedWaits.Where(w => !w.IsCondition))
        {
            if (wait.IsJob)
            {
                DeleteRow(engine.Db.Jobs, wait.Id, () => new Job { Id = wait.Id, ProcessKey = "", ElementId = "" });
            }
            else
            {
                DeleteRow(engine.Db.MessageSubscriptions, wait.Id, () => new MessageSubscription { Id = wait.Id, MessageName = "", ProcessKey = "", ElementId = "" });
            }
        }

        _removedWaits.Clear();
        // Ending now: the escalations travel with the return, so they reach the call activity before it completes.
        var ending = instance.Status is InstanceStatus.Completed or InstanceStatus.Terminated;
        foreach (var code in ending ? [] : _escalationsToParent)
        {
            // The parent may be new in this very unit (a child that escalates as it starts): tracked, not yet stored.
            var parent = engine.Db.ProcessInstances.Local.Where(i => i.Id == instance.ParentInstanceId).Select(i => new { i.DefinitionId, i.ProcessKey }).FirstOrDefault()
                ?? await engine.Db.ProcessInstances.AsNoTracking().Where(i => i.Id == instance.ParentInstanceId)
                    .Select(i => new { i.DefinitionId, i.ProcessKey }).SingleAsync(cancellationToken);
            engine.Db.Jobs.Add(new Job
            {
                Kind = JobKind.EscalationFromCall,
                InstanceId = instance.ParentInstanceId,
                DefinitionId = parent.DefinitionId,
                ProcessKey = parent.ProcessKey,
                ElementId = instance.ParentElementId ?? "",
                AnchorId = instance.ParentAnchorId,
                DueAt = engine.Clock.GetUtcNow(),
                CreatedAt = engine.Clock.GetUtcNow(),
                Payload = JsonSerializer.Serialize(new JobPayload { ErrorCode = code }),
            });
        }

        if (!ending)
        {
            _escalationsToParent.Clear();
        }

        if (instance.Status is InstanceStatus.Completed or InstanceStatus.Terminated && instance.ParentInstanceId is { } parentId && !_returnsInline)
        {
            await ReportToParentAsync(parentId, cancellationToken);
        }
    }

    /// <summary>Whether the anchor of a wait is still where the wait expects it.</summary>
    private bool StillWaiting(EventWait wait)
    {
        if (state.Tokens.FirstOrDefault(t => t.Id == wait.AnchorId) is not { } token)
        {
            return state.Bodies.Any(b => b.Id == wait.AnchorId) || state.Scopes.Any(s => s.Id == wait.AnchorId);
        }

        if (!token.Waiting || !model.Nodes.TryGetValue(wait.ElementId, out var eventNode))
        {
            return false;
        }

        return token.ElementId == wait.ElementId
            || eventNode.Boundary?.AttachedToId == token.ElementId
            || (model.Node(token.ElementId).Kind == NodeKind.EventBasedGateway && eventNode.Incoming.Any(f => f.SourceId == token.ElementId));
    }

    private void DeleteRow<T>(DbSet<T> set, Guid id, Func<T> stub) where T : class
    {
        var tracked = engine.Db.ChangeTracker.Entries<T>().FirstOrDefault(e => Equals(e.Property("Id").CurrentValue, id));
        if (tracked is null)
        {
            set.Remove(stub());   // DELETE by key; a row already gone means another step won: a conflict, retried
        }
        else if (tracked.State == EntityState.Added)
        {
            tracked.State = EntityState.Detached;
        }
        else if (tracked.State != EntityState.Deleted)
        {
            tracked.State = EntityState.Deleted;
        }
    }

    /// <summary>Cancels the open tasks of tokens removed by terminate, cancel or an interrupting event.</summary>
    private async Task CancelRemovedTasksAsync(CancellationToken cancellationToken)
    {
        if (_pendingCancellations.Count == 0 && _cancelledBodies.Count == 0)
        {
            return;
        }

        var tokenIds = _pendingCancellations.Distinct().ToList();
        var bodies = _cancelledBodies.Distinct().ToList();
        var tasks = engine.Db.UserTasks.Local
            .Where(t => t.InstanceId == instance.Id && t.Status == Tasks.TaskStatus.Open && (tokenIds.Contains(t.TokenId) || (t.MultiInstanceBodyId != null && bodies.Contains(t.MultiInstanceBodyId))))
            .ToList();
        var stored = await engine.Db.UserTasks
            .Where(t => t.InstanceId == instance.Id && t.Status == Tasks.TaskStatus.Open && (tokenIds.Contains(t.TokenId) || (t.MultiInstanceBodyId != null && bodies.Contains(t.MultiInstanceBodyId))))
            .ToListAsync(cancellationToken);
        // A tracked task comes back with its in-memory values: the one just completed matched the query as open.
        foreach (var task in tasks.Concat(stored).Distinct().Where(t => t.Status == Tasks.TaskStatus.Open))
        {
            task.Status = Tasks.TaskStatus.Cancelled;
            task.CompletedAt = engine.Clock.GetUtcNow();
            task.Revision++;
            History(HistoryEventType.TaskCancelled, model.Nodes.GetValueOrDefault(task.ElementId), null, task.Id);
        }

        // External tasks of cancelled tokens (stored, or added in this very step): a worker holding one learns it is gone when it reports back.
        var externals = engine.Db.ExternalTasks.Local.Where(t => t.InstanceId == instance.Id && tokenIds.Contains(t.TokenId)).ToList();
        externals.AddRange(await engine.Db.ExternalTasks.Where(t => t.InstanceId == instance.Id && tokenIds.Contains(t.TokenId)).ToListAsync(cancellationToken));
        foreach (var external in externals.Distinct())
        {
            engine.Db.ExternalTasks.Remove(external);   // an Added row is simply never inserted
        }

        // Subtasks of a cancelled task (they have no token of their own) end with it.
        var cancelledIds = tasks.Concat(stored).Where(t => t.Status == Tasks.TaskStatus.Cancelled && t.ParentTaskId == null).Select(t => t.Id).Distinct().ToList();
        if (cancelledIds.Count > 0)
        {
            foreach (var subtask in await engine.Db.UserTasks.Where(t => t.ParentTaskId != null && cancelledIds.Contains(t.ParentTaskId.Value) && t.Status == Tasks.TaskStatus.Open)
                         .ToListAsync(cancellationToken))
            {
                (subtask.Status, subtask.CompletedAt) = (Tasks.TaskStatus.Cancelled, engine.Clock.GetUtcNow());
                subtask.Revision++;
            }
        }

        _pendingCancellations.Clear();
        _cancelledBodies.Clear();
    }

    /// <summary>Processes started by call activities that were interrupted or cancelled end too (recursively).</summary>
    private async Task CancelChildrenAsync(CancellationToken cancellationToken)
    {
        if (!model.Nodes.Values.Any(n => n.Kind == NodeKind.CallActivity) || (_pendingCancellations.Count == 0 && _cancelledBodies.Count == 0))
        {
            return;
        }

        var anchors = _pendingCancellations.Concat(_cancelledBodies).Distinct().ToList();
        // Children started in this very step are only tracked, not stored yet: both are cancelled.
        var children = engine.Db.ProcessInstances.Local
            .Where(i => i.ParentInstanceId == instance.Id && i.Status == InstanceStatus.Active && anchors.Contains(i.ParentAnchorId!)).ToList();
        children.AddRange(await engine.Db.ProcessInstances
            .Where(i => i.ParentInstanceId == instance.Id && i.Status == InstanceStatus.Active && anchors.Contains(i.ParentAnchorId!))
            .ToListAsync(cancellationToken));
        children = [.. children.Distinct()];
        var models = (ProcessModelCache)engine.Services.GetService(typeof(ProcessModelCache))!;
        foreach (var child in children)
        {
            var childExecution = new ProcessExecution(await models.GetAsync(engine.Db, child.DefinitionId, cancellationToken), child, InstanceState.Deserialize(child.State), engine, userName);
            childExecution.Cancel();
            await childExecution.PrepareCommitAsync(cancellationToken);
            childExecution.Flush();
        }
    }

    /// <summary>A called process ended: a job continues the parent's call activity after this commit.</summary>
    private async Task ReportToParentAsync(Guid parentId, CancellationToken cancellationToken)
    {
        var parent = await engine.Db.ProcessInstances.AsNoTracking().Where(i => i.Id == parentId)
            .Select(i => new { i.DefinitionId, i.ProcessKey }).SingleAsync(cancellationToken);
        engine.Db.Jobs.Add(new Job
        {
            Kind = JobKind.CallReturn,
            InstanceId = parentId,
            DefinitionId = parent.DefinitionId,
            ProcessKey = parent.ProcessKey,
            ElementId = instance.ParentElementId ?? "",
            AnchorId = instance.ParentAnchorId,
            DueAt = engine.Clock.GetUtcNow(),
            CreatedAt = engine.Clock.GetUtcNow(),
            Payload = JsonSerializer.Serialize(new JobPayload
            {
                ChildInstanceId = instance.Id,
                ChildStatus = instance.Status.ToString(),
                ErrorCode = _uncaughtErrorCode,
                Escalations = _escalationsToParent.Count > 0 ? [.. _escalationsToParent] : null,
                Variables = state.Scopes.Count > 0 ? state.Root.Variables : null,
                ParkedToken = instance.ParentToken,
            }),
        });
    }
}
