using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Tasks;

/// <summary>
/// Completing a user task (use case; the API, the task page and modules' own use cases call it): the assignee
/// (or an admin) completes it with the form's values, and the process moves on to its next wait, all in one
/// transaction. Of concurrent completions exactly one wins; the others get a clear conflict.
/// </summary>
public sealed class CompleteTask(TaskService inbox, ProcessEngine engine, IEnumerable<ITaskCompletionGuard> guards, ProtectedVariables protectedVariables, TimeProvider clock,
    Subtasks subtasks)
{
    /// <param name="variables">What the person filled in: only the task's form fields (or declared writes), never a protected variable.</param>
    /// <param name="byOwningUseCase">
    /// The module that owns this kind of task completes it from its own use case (its <see cref="ITaskCompletionGuard"/>
    /// refuses completion straight from the inbox).
    /// </param>
    /// <param name="trusted">Values the calling use case itself sets (e.g. the stored file of a check-in); never from a request.</param>
    public async Task<TaskView> RunAsync(Guid id, IReadOnlyDictionary<string, JsonNode?>? variables, CurrentUser user, CancellationToken cancellationToken,
        bool byOwningUseCase = false, IReadOnlyDictionary<string, JsonNode?>? trusted = null)
    {
        using var activity = EngineTelemetry.Source.StartActivity("task.complete");
        activity?.SetTag("crm.task.id", id);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (task, instance) = await engine.ExecuteAsync(unit => InUnitAsync(unit, id, variables, user, cancellationToken, byOwningUseCase, trusted), cancellationToken);
        EngineTelemetry.TasksCompleted.Add(1, new KeyValuePair<string, object?>("process", task.ProcessKey));
        if (instance.Status != Processes.InstanceStatus.Active)
        {
            EngineTelemetry.InstancesEnded.Add(1, new KeyValuePair<string, object?>("status", instance.Status.ToString()));
        }

        EngineTelemetry.StepDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return TaskService.View(task, task.CompletedAt ?? clock.GetUtcNow());
    }

    internal static string? RefusedWorker(IEnumerable<ITaskCompletionGuard> guards, UserTask task, CurrentUser user, ProcessExecution execution)
    {
        var token = execution.State.Tokens.FirstOrDefault(t => t.Id == task.TokenId);
        var variables = token is null ? execution.State.VisibleVariables(InstanceState.RootScopeId) : execution.State.VisibleVariables(token.ScopeId);
        return guards.Select(g => g.RefuseWorker(task, user, variables)).FirstOrDefault(r => r is not null);
    }

    /// <summary>Completes a task inside a command a module already runs (its own rows commit with the step).</summary>
    public async Task<(UserTask Task, Processes.ProcessInstance Instance)> InUnitAsync(EngineUnit unit, Guid id, IReadOnlyDictionary<string, JsonNode?>? variables,
        CurrentUser user, CancellationToken cancellationToken, bool byOwningUseCase = false, IReadOnlyDictionary<string, JsonNode?>? trusted = null)
    {
        // A subtask has no token of its own: completing it only closes it.
        if (await inbox.Visible(user).SingleOrDefaultAsync(t => t.Id == id && t.ParentTaskId != null, cancellationToken) is { } subtask)
        {
            if (byOwningUseCase || trusted is { Count: > 0 } || variables is { Count: > 0 })
            {
                throw new ConflictException("This is a subtask: it is completed on its own, without values, and no process step stands behind it.");
            }

            return await subtasks.CompleteInUnitAsync(unit, subtask, user, cancellationToken);
        }

        var (task, execution) = await inbox.LoadAsync(unit, id, user, cancellationToken);
        if (!user.IsAdmin && task.Assignee != user.UserName)
        {
            throw new ForbiddenException(task.Assignee is null ? "Claim the task before completing it." : $"The task is assigned to {task.Assignee}.");
        }

        if (task.Delegation == DelegationState.Pending)
        {
            throw new ConflictException($"The task was delegated by {task.Owner}; resolve it to hand it back.");
        }

        if (RefusedWorker(guards, task, user, execution) is { } notYou)
        {
            throw new ForbiddenException(notYou);
        }

        TaskWrites.Check(task, execution.Model.Nodes.GetValueOrDefault(task.ElementId), variables, protectedVariables);
        if (!byOwningUseCase && guards.Select(g => g.RefuseInboxCompletion(task)).FirstOrDefault(r => r is not null) is { } refusal)
        {
            throw new ConflictException(refusal);
        }

        TaskService.ValidateForm(task, variables);
        await Subtasks.SettleForParentAsync(unit.Db, task, clock.GetUtcNow(), cancellationToken);
        if (trusted is { Count: > 0 })
        {
            var merged = new Dictionary<string, JsonNode?>(variables ?? new Dictionary<string, JsonNode?>(), StringComparer.Ordinal);
            foreach (var (name, value) in trusted)
            {
                merged[name] = value?.DeepClone();
            }

            variables = merged;
        }

        task.Status = TaskStatus.Completed;
        task.CompletedAt = clock.GetUtcNow();
        task.CompletedBy = user.UserName;
        task.Revision++;
        execution.RecordTaskEvent(Processes.HistoryEventType.TaskCompleted, task, variables is { Count: > 0 } ? new { variables = variables.Keys } : null);
        await execution.ContinueAsync(task.TokenId, variables ?? new Dictionary<string, JsonNode?>(), cancellationToken);
        return (task, execution.Instance);
    }
}
