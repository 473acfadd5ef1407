using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Tasks;

public sealed record AddSubtaskRequest(string? Name, string? Assignee, DateTimeOffset? DueAt, bool Required = true);

public sealed record SubtaskView(Guid Id, string Name, string? Assignee, string Status, bool Required, DateTimeOffset? DueAt, bool Overdue, DateTimeOffset? CompletedAt, string? CompletedBy);

/// <summary>
/// Subtasks (T5): whoever holds an open inbox task splits work off to others. A subtask is a task in its assignee's
/// inbox, owned by the one who split it (they see it and are told when it is overdue); completing it moves no process.
/// The parent cannot be completed while a required subtask is open; optional ones still open are cancelled with it.
/// </summary>
public sealed class Subtasks(WorkflowDbContext db, ProcessEngine engine, TaskService inbox, ITaskUserDirectory users, IEnumerable<ITaskCompletionGuard> guards, TimeProvider clock)
{
    public async Task<SubtaskView> AddAsync(Guid parentId, AddSubtaskRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 300) errors["name"] = ["Say what is to be done (at most 300 characters)."];
        var assignee = await users.FindActiveUserAsync(request.Assignee?.Trim() ?? "", cancellationToken);
        if (assignee is null) errors["assignee"] = [$"There is no active user '{request.Assignee}'."];
        if (request.DueAt is { } due && due < clock.GetUtcNow()) errors["dueAt"] = ["The due date is in the past."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        return await engine.ExecuteAsync(async unit =>
        {
            var parent = await inbox.Visible(user).SingleOrDefaultAsync(t => t.Id == parentId, cancellationToken) ?? throw new NotFoundException($"Task {parentId} does not exist.");
            if (parent.Status != TaskStatus.Open)
            {
                throw new ConflictException($"The task is already {parent.Status.ToString().ToLowerInvariant()}.");
            }

            if (parent.ParentTaskId is not null)
            {
                throw new ConflictException("A subtask cannot be split further; add the subtask to the main task.");
            }

            if (guards.Select(g => g.RefuseInboxCompletion(parent)).FirstOrDefault(r => r is not null) is not null)
            {
                // A check-in or a mandatory reading is completed by its module's own action, which a subtask must not stand in the way of.
                throw new ConflictException("This task is completed through its own page, so work cannot be split off it.");
            }

            if (!user.IsAdmin && parent.Assignee != user.UserName)
            {
                throw new ForbiddenException(parent.Assignee is null ? "Claim the task before splitting work off it." : $"The task is assigned to {parent.Assignee}.");
            }

            var now = clock.GetUtcNow();
            parent.Revision++;   // a completion of the parent committing meanwhile makes this a conflict, not a subtask of a closed task
            var subtask = new UserTask
            {
                InstanceId = parent.InstanceId, ProcessKey = parent.ProcessKey, ProcessName = parent.ProcessName, BusinessKey = parent.BusinessKey,
                ElementId = parent.ElementId, TokenId = "", Name = request.Name!.Trim(), Assignee = assignee, Owner = parent.Assignee ?? user.UserName,
                DueAt = request.DueAt?.ToUniversalTime() ?? parent.DueAt, Priority = parent.Priority, CreatedAt = now, ClaimedAt = now, Status = TaskStatus.Open,
                ParentTaskId = parent.Id, SubtaskRequired = request.Required, Links = parent.Links,
            };
            db.UserTasks.Add(subtask);
            // In the instance's history (and guarded by its revision like any step).
            var instance = await db.ProcessInstances.SingleAsync(i => i.Id == parent.InstanceId, cancellationToken);
            var execution = await unit.OpenAsync(instance, user.UserName, cancellationToken);
            execution.RecordTaskEvent(HistoryEventType.TaskCreated, subtask, new { subtaskOf = parent.Id, assignee, required = request.Required });
            unit.Raise(new TaskCreated(subtask.Id, subtask.ProcessKey, now));
            return View(subtask, now);
        }, cancellationToken);
    }

    /// <summary>The subtasks of a task the caller may see, open first.</summary>
    public async Task<List<SubtaskView>> OfAsync(Guid parentId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await inbox.Visible(user).AnyAsync(t => t.Id == parentId, cancellationToken))
        {
            throw new NotFoundException($"Task {parentId} does not exist.");
        }

        var now = clock.GetUtcNow();
        return [.. (await db.UserTasks.AsNoTracking().Where(t => t.ParentTaskId == parentId).OrderBy(t => t.Status).ThenBy(t => t.CreatedAt).ToListAsync(cancellationToken))
            .Select(t => View(t, now))];
    }

    /// <summary>Completes a subtask in the running command (its assignee or an admin); nothing moves in the process.</summary>
    internal async Task<(UserTask Task, ProcessInstance Instance)> CompleteInUnitAsync(EngineUnit unit, UserTask subtask, CurrentUser user, CancellationToken cancellationToken)
    {
        if (subtask.Status != TaskStatus.Open)
        {
            throw new ConflictException($"The subtask is already {subtask.Status.ToString().ToLowerInvariant()}.");
        }

        if (!user.IsAdmin && subtask.Assignee != user.UserName)
        {
            throw new ForbiddenException($"The subtask is assigned to {subtask.Assignee}.");
        }

        var now = clock.GetUtcNow();
        (subtask.Status, subtask.CompletedAt, subtask.CompletedBy) = (TaskStatus.Completed, now, user.UserName);
        subtask.Revision++;
        var instance = await db.ProcessInstances.SingleAsync(i => i.Id == subtask.InstanceId, cancellationToken);
        (await unit.OpenAsync(instance, user.UserName, cancellationToken)).RecordTaskEvent(HistoryEventType.TaskCompleted, subtask, new { subtaskOf = subtask.ParentTaskId });
        return (subtask, instance);
    }

    /// <summary>Before a parent completes: refuses while required subtasks are open; cancels the optional ones still open.</summary>
    internal static async Task SettleForParentAsync(WorkflowDbContext db, UserTask parent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.UserTasks.Where(t => t.ParentTaskId == parent.Id && t.Status == TaskStatus.Open).ToListAsync(cancellationToken);
        var required = open.Where(t => t.SubtaskRequired).ToList();
        if (required.Count > 0)
        {
            throw new ConflictException($"Required subtasks are still open: {string.Join(", ", required.Select(t => $"{t.Name} ({t.Assignee})"))}.");
        }

        foreach (var optional in open)
        {
            (optional.Status, optional.CompletedAt) = (TaskStatus.Cancelled, now);
            optional.Revision++;
        }
    }

    internal static SubtaskView View(UserTask t, DateTimeOffset now) =>
        new(t.Id, t.Name, t.Assignee, t.Status.ToString(), t.SubtaskRequired, t.DueAt, t.Status == TaskStatus.Open && t.DueAt < now, t.CompletedAt, t.CompletedBy);
}
