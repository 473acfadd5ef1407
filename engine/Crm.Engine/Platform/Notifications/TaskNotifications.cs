using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Platform.Notifications;

/// <summary>A module that reminds and escalates its tasks itself (by form key) registers one of these.</summary>
public sealed record OwnReminders(string FormKey);

/// <summary>
/// Queues the mail and the bell rows for task events in the same commit as the step that raised them: a rolled-back step
/// sends nothing, a committed one is mailed by <see cref="NotificationWorker"/> at least once.
/// </summary>
public sealed class TaskNotifications(NotificationOutbox queue) :
    IDomainEventSubscriber<TaskCreated>, IDomainEventSubscriber<TaskDelegated>, IDomainEventSubscriber<TaskReturned>,
    IDomainEventSubscriber<TaskReassigned>
{
    public Task HandleAsync(TaskCreated domainEvent, CancellationToken cancellationToken) =>
        queue.QueueAsync(NotificationKind.TaskCreated, domainEvent.TaskId, null, domainEvent.At, cancellationToken);

    public Task HandleAsync(TaskDelegated domainEvent, CancellationToken cancellationToken) =>
        queue.QueueAsync(NotificationKind.TaskDelegated, domainEvent.TaskId, domainEvent.To, domainEvent.At, cancellationToken);

    public Task HandleAsync(TaskReassigned domainEvent, CancellationToken cancellationToken) =>
        queue.QueueAsync(NotificationKind.TaskReassigned, domainEvent.TaskId, domainEvent.To, domainEvent.At, cancellationToken);

    public Task HandleAsync(TaskReturned domainEvent, CancellationToken cancellationToken) =>
        queue.QueueAsync(NotificationKind.TaskReturned, domainEvent.TaskId, domainEvent.Owner, domainEvent.At, cancellationToken);
}
