using Crm.Workflow.Common;

namespace Crm.Workflow.Tasks;

/// <summary>A user task was created (assignee, candidate users or groups are on the task row).</summary>
public sealed record TaskCreated(Guid TaskId, string ProcessKey, DateTimeOffset At) : IDomainEvent;

/// <summary>A task was delegated to <paramref name="To"/>.</summary>
public sealed record TaskDelegated(Guid TaskId, string To, DateTimeOffset At) : IDomainEvent;

/// <summary>An admin gave the task to <paramref name="To"/> (its assignee left or is away).</summary>
public sealed record TaskReassigned(Guid TaskId, string To, DateTimeOffset At) : IDomainEvent;

/// <summary>A delegate handed the task back to its owner <paramref name="Owner"/>.</summary>
public sealed record TaskReturned(Guid TaskId, string Owner, DateTimeOffset At) : IDomainEvent;

/// <summary>
/// A module that owns a kind of task (by its form key) may refuse completing it straight from the inbox,
/// because its own use case must do more in the same commit (e.g. a mandatory reading is completed by
/// confirming the article). The engine asks every guard; it knows none of them.
/// </summary>
public interface ITaskCompletionGuard
{
    /// <summary>Null to allow; otherwise the reason shown to the caller (409).</summary>
    string? RefuseInboxCompletion(UserTask task);

    /// <summary>
    /// Asked on every claim and completion, from any path: null to allow, else the reason (403), e.g. "four eyes:
    /// the author may not review their own article". <paramref name="variables"/> are the instance's.
    /// </summary>
    string? RefuseWorker(UserTask task, CurrentUser user, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> variables) => null;
}

/// <summary>Who may receive a delegated task: the engine asks, the identity platform answers.</summary>
public interface ITaskUserDirectory
{
    /// <summary>The user name of an active user with this (case-insensitive) name, or null.</summary>
    Task<string?> FindActiveUserAsync(string userName, CancellationToken cancellationToken);
}
