using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Tasks;

public sealed record TaskView(
    Guid Id, string Name, Guid InstanceId, string ProcessKey, string? ProcessName, string? BusinessKey, string ElementId,
    string? Assignee, string? Owner, string Delegation, IReadOnlyList<string> CandidateUsers, IReadOnlyList<string> CandidateGroups,
    DateTimeOffset? DueAt, DateTimeOffset? FollowUpAt, int Priority, bool Overdue, string? FormKey, JsonNode? FormSchema,
    JsonNode? Inputs, JsonNode? Links, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ClaimedAt, DateTimeOffset? CompletedAt, string? CompletedBy)
{
    /// <summary>For a subtask: the task it was split off.</summary>
    public Guid? ParentTaskId { get; init; }
}

public sealed record TaskQuery(string? Assignee, string? Candidate, string? ProcessKey, string? BusinessKey, bool? Overdue, string? Status, string? SortBy, string? Order, int Page, int PageSize,
    string? Search = null, bool? DelegatedByMe = null, DateTimeOffset? DueBefore = null, string? Link = null);

/// <summary>The inbox badges: open tasks assigned to me, claimable by me, delegated by me, and my overdue ones.</summary>
public sealed record InboxCounts(int Mine, int Claimable, int Delegated, int Overdue);

public sealed record CompleteTaskRequest(Dictionary<string, JsonNode?>? Variables);

public sealed record DelegateTaskRequest(string UserName);

/// <summary>The inbox: finding tasks a person may work on, and claim, unclaim, delegate and resolve (completing is <see cref="CompleteTask"/>).</summary>
public sealed class TaskService(WorkflowDbContext db, ProcessEngine engine, ITaskUserDirectory users, ProtectedVariables protectedVariables, IEnumerable<ITaskCompletionGuard> guards, TimeProvider clock)
{
    public async Task<PagedList<TaskView>> ListAsync(TaskQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var tasks = Visible(user).AsNoTracking().Include(t => t.Candidates).AsQueryable();
        var status = ParseStatus(query.Status);
        tasks = tasks.Where(t => t.Status == status);
        var name = user.UserName;
        if (query.Assignee is { Length: > 0 } assignee)
        {
            var who = assignee == "me" ? name : assignee;
            tasks = tasks.Where(t => t.Assignee == who);
        }

        if (query.Candidate == "me")
        {
            // Claimable: unassigned tasks offered to me directly or to one of my groups.
            var groups = user.Groups.ToList();
            tasks = tasks.Where(t => t.Assignee == null && t.Candidates.Any(c =>
                (c.Kind == CandidateKind.User && c.Name == name) || (c.Kind == CandidateKind.Group && groups.Contains(c.Name))));
        }
        else if (query.Candidate is { Length: > 0 })
        {
            throw ValidationFailedException.For("candidate", "Only candidate=me is supported.");
        }

        if (query.DelegatedByMe == true)
        {
            tasks = tasks.Where(t => t.Owner == name && t.Delegation == DelegationState.Pending);
        }

        if (query.Search is { Length: > 0 } search)
        {
            var pattern = $"%{search.Trim().Replace("%", "", StringComparison.Ordinal)}%";
            tasks = tasks.Where(t => EF.Functions.Like(t.Name, pattern) || EF.Functions.Like(t.BusinessKey!, pattern) || EF.Functions.Like(t.ProcessName!, pattern));
        }

        if (query.Link is { Length: > 0 } link)
        {
            // Customer, case or document the task concerns (ids in its links).
            var pattern = $"%{link.Trim().Replace("%", "", StringComparison.Ordinal)}%";
            tasks = tasks.Where(t => EF.Functions.Like(t.Links!, pattern));
        }

        if (query.DueBefore is { } dueBefore)
        {
            tasks = tasks.Where(t => t.DueAt != null && t.DueAt <= dueBefore);
        }

        if (query.ProcessKey is { Length: > 0 } key)
        {
            tasks = tasks.Where(t => t.ProcessKey == key);
        }

        if (query.BusinessKey is { Length: > 0 } businessKey)
        {
            tasks = tasks.Where(t => t.BusinessKey == businessKey);
        }

        var now = clock.GetUtcNow();
        if (query.Overdue == true)
        {
            tasks = tasks.Where(t => t.DueAt != null && t.DueAt < now);
        }

        var descending = string.Equals(query.Order, "desc", StringComparison.OrdinalIgnoreCase);
        tasks = (query.SortBy ?? "created").ToLowerInvariant() switch
        {
            "due" => descending ? tasks.OrderByDescending(t => t.DueAt) : tasks.OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt),
            "priority" => descending || query.Order is null ? tasks.OrderByDescending(t => t.Priority).ThenBy(t => t.Id) : tasks.OrderBy(t => t.Priority).ThenBy(t => t.Id),
            "name" => descending ? tasks.OrderByDescending(t => t.Name) : tasks.OrderBy(t => t.Name),
            "created" => descending ? tasks.OrderByDescending(t => t.Id) : tasks.OrderBy(t => t.Id),
            _ => throw ValidationFailedException.For("sortBy", "Use created, due, priority or name."),
        };

        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await tasks.CountAsync(cancellationToken);
        var rows = await tasks.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new PagedList<TaskView>([.. rows.Select(t => View(t, now))], total, page, pageSize);
    }

    public async Task<InboxCounts> CountsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var name = user.UserName;
        var groups = user.Groups.ToList();
        var now = clock.GetUtcNow();
        var open = db.UserTasks.AsNoTracking().Where(t => t.Status == TaskStatus.Open);
        var mine = await open.CountAsync(t => t.Assignee == name, cancellationToken);
        var claimable = await open.CountAsync(t => t.Assignee == null && t.Candidates.Any(c =>
            (c.Kind == CandidateKind.User && c.Name == name) || (c.Kind == CandidateKind.Group && groups.Contains(c.Name))), cancellationToken);
        var delegated = await open.CountAsync(t => t.Owner == name && t.Delegation == DelegationState.Pending, cancellationToken);
        var overdue = await open.CountAsync(t => t.Assignee == name && t.DueAt != null && t.DueAt < now, cancellationToken);
        return new InboxCounts(mine, claimable, delegated, overdue);
    }

    public async Task<TaskView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) =>
        View(await FindVisibleAsync(id, user, tracking: false, cancellationToken), clock.GetUtcNow());

    public Task<TaskView> ClaimAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) =>
        ChangeAsync(id, user, (task, execution, unit) =>
        {
            if (task.Assignee == user.UserName)
            {
                return;   // claiming one's own task again changes nothing
            }

            if (task.Assignee is not null)
            {
                throw new ConflictException($"The task is already claimed by {task.Assignee}.");
            }

            if (!user.IsAdmin && !IsCandidate(task, user))
            {
                throw new ForbiddenException("You are not a candidate for this task.");
            }

            if (CompleteTask.RefusedWorker(guards, task, user, execution) is { } notYou)
            {
                throw new ForbiddenException(notYou);
            }

            task.Assignee = user.UserName;
            task.ClaimedAt = clock.GetUtcNow();
            execution.RecordTaskEvent(HistoryEventType.TaskClaimed, task, null);
        }, cancellationToken);

    public Task<TaskView> UnclaimAsync(Guid id, CurrentUser user, CancellationToken cancellationToken) =>
        ChangeAsync(id, user, (task, execution, unit) =>
        {
            RequireAssigneeOrAdmin(task, user);
            if (task.Delegation == DelegationState.Pending)
            {
                throw new ConflictException("A delegated task goes back through resolve, not unclaim.");
            }

            task.Assignee = null;
            task.ClaimedAt = null;
            execution.RecordTaskEvent(HistoryEventType.TaskUnclaimed, task, null);
        }, cancellationToken);

    public async Task<TaskView> DelegateAsync(Guid id, string toUserName, CurrentUser user, CancellationToken cancellationToken)
    {
        var target = await users.FindActiveUserAsync(toUserName?.Trim() ?? "", cancellationToken)
            ?? throw ValidationFailedException.For("userName", $"There is no active user '{toUserName}'.");
        return await ChangeAsync(id, user, (task, execution, unit) =>
        {
            RequireAssigneeOrAdmin(task, user);
            task.Owner ??= task.Assignee ?? user.UserName;
            task.Assignee = target;
            task.Delegation = DelegationState.Pending;
            execution.RecordTaskEvent(HistoryEventType.TaskDelegated, task, new { from = task.Owner, to = target });
            unit.Raise(new TaskDelegated(task.Id, target, clock.GetUtcNow()));
        }, cancellationToken);
    }

    /// <summary>
    /// An admin gives the task to someone else (its assignee left or is away): the new assignee works it as if they
    /// had claimed it; a pending delegation ends with it.
    /// </summary>
    public async Task<TaskView> ReassignAsync(Guid id, string toUserName, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only an administrator reassigns tasks.");
        }

        var target = await users.FindActiveUserAsync(toUserName?.Trim() ?? "", cancellationToken)
            ?? throw ValidationFailedException.For("userName", $"There is no active user '{toUserName}'.");
        return await ChangeAsync(id, user, (task, execution, unit) =>
        {
            var from = task.Assignee;
            task.Assignee = target;
            task.Owner = null;
            task.Delegation = DelegationState.None;
            task.ClaimedAt = clock.GetUtcNow();
            execution.RecordTaskEvent(HistoryEventType.TaskReassigned, task, new { from, to = target });
            unit.Raise(new TaskReassigned(task.Id, target, clock.GetUtcNow()));
        }, cancellationToken);
    }

    public Task<TaskView> ResolveAsync(Guid id, IReadOnlyDictionary<string, JsonNode?>? variables, CurrentUser user, CancellationToken cancellationToken) =>
        ChangeAsync(id, user, (task, execution, unit) =>
        {
            RequireAssigneeOrAdmin(task, user);
            if (task.Delegation != DelegationState.Pending)
            {
                throw new ConflictException("The task is not delegated.");
            }

            TaskWrites.Check(task, execution.Model.Nodes.GetValueOrDefault(task.ElementId), variables, protectedVariables);
            ValidateForm(task, variables, checkRequired: false);
            var token = execution.State.Tokens.Single(t => t.Id == task.TokenId);
            execution.SetVariables(token.ScopeId, variables ?? new Dictionary<string, JsonNode?>());
            task.Assignee = task.Owner;
            task.Delegation = DelegationState.Resolved;
            execution.RecordTaskEvent(HistoryEventType.TaskResolved, task, new { backTo = task.Owner });
            unit.Raise(new TaskReturned(task.Id, task.Owner!, clock.GetUtcNow()));
        }, cancellationToken);

    /// <summary>Tasks the caller may see: admins all; others assigned, owned, completed by them, or offered to them or their groups.</summary>
    public IQueryable<UserTask> Visible(CurrentUser user)
    {
        if (user.IsAdmin)
        {
            return db.UserTasks;
        }

        return db.UserTasks.Where(TaskVisibility.Involves(user));
    }

    private async Task<TaskView> ChangeAsync(Guid id, CurrentUser user, Action<UserTask, ProcessExecution, EngineUnit> change, CancellationToken cancellationToken)
    {
        var task = await engine.ExecuteAsync(async unit =>
        {
            var (task, execution) = await LoadAsync(unit, id, user, cancellationToken);
            change(task, execution, unit);
            task.Revision++;
            return task;
        }, cancellationToken);
        return View(task, clock.GetUtcNow());
    }

    /// <summary>Loads an open task the caller may see, with its instance ready to act on (instance revision guards the change).</summary>
    internal async Task<(UserTask Task, ProcessExecution Execution)> LoadAsync(EngineUnit unit, Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        // Task and instance in one round trip; both are tracked, both carry the revision that guards the change.
        var pair = await Visible(user).Include(t => t.Candidates).Where(t => t.Id == id)
            .Join(db.ProcessInstances, t => t.InstanceId, i => i.Id, (t, i) => new { Task = t, Instance = i })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Task {id} does not exist.");
        var (task, instance) = (pair.Task, pair.Instance);
        if (task.Status != TaskStatus.Open)
        {
            throw new ConflictException($"The task is already {task.Status.ToString().ToLowerInvariant()}.");
        }

        if (task.ParentTaskId is not null)
        {
            throw new ConflictException("This is a subtask: its assignee completes it; it is not claimed, delegated or handed back.");
        }

        var execution = await unit.OpenAsync(instance, user.UserName, cancellationToken);
        if (task.ParkedToken is { } parked && !execution.Unpark(parked))
        {
            // A multi-instance body that ended meanwhile: its commit cancelled this task too; read again.
            throw new DbUpdateConcurrencyException("The task changed while it was being read.");
        }

        if (!execution.State.Tokens.Any(t => t.Id == task.TokenId && t.Waiting))
        {
            // The task row was read before a concurrent step finished it: read both again.
            throw new DbUpdateConcurrencyException("The task changed while it was being read.");
        }

        return (task, execution);
    }

    private async Task<UserTask> FindVisibleAsync(Guid id, CurrentUser user, bool tracking, CancellationToken cancellationToken)
    {
        var query = Visible(user).Include(t => t.Candidates).Where(t => t.Id == id);
        // Not visible and not existing look the same: a 404 does not reveal that the task exists.
        return await (tracking ? query : query.AsNoTracking()).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Task {id} does not exist.");
    }

    internal static void ValidateForm(UserTask task, IReadOnlyDictionary<string, JsonNode?>? variables, bool checkRequired = true)
    {
        var errors = FormValidator.Validate(task.FormSchema, variables ?? new Dictionary<string, JsonNode?>(), checkRequired);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    private static bool IsCandidate(UserTask task, CurrentUser user) =>
        task.Candidates.Any(c => (c.Kind == CandidateKind.User && c.Name == user.UserName) || (c.Kind == CandidateKind.Group && user.Groups.Contains(c.Name)));

    private static void RequireAssigneeOrAdmin(UserTask task, CurrentUser user)
    {
        if (!user.IsAdmin && task.Assignee != user.UserName)
        {
            throw new ForbiddenException(task.Assignee is null ? "The task is not claimed." : $"The task is assigned to {task.Assignee}.");
        }
    }

    private static TaskStatus ParseStatus(string? status) =>
        string.IsNullOrWhiteSpace(status) ? TaskStatus.Open
        : Enum.TryParse<TaskStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
        : throw ValidationFailedException.For("status", "Use open, completed or cancelled.");

    internal static TaskView View(UserTask t, DateTimeOffset now) => new(
        t.Id, t.Name, t.InstanceId, t.ProcessKey, t.ProcessName, t.BusinessKey, t.ElementId, t.Assignee, t.Owner, t.Delegation.ToString(),
        [.. t.Candidates.Where(c => c.Kind == CandidateKind.User).Select(c => c.Name)],
        [.. t.Candidates.Where(c => c.Kind == CandidateKind.Group).Select(c => c.Name)],
        t.DueAt, t.FollowUpAt, t.Priority, t.Status == TaskStatus.Open && t.DueAt < now, t.FormKey,
        Parse(t.FormSchema), Parse(t.Inputs), Parse(t.Links), t.Status.ToString(), t.CreatedAt, t.ClaimedAt, t.CompletedAt, t.CompletedBy)
    {
        ParentTaskId = t.ParentTaskId,
    };

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
