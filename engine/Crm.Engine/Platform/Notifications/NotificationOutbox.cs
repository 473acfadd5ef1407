using Crm.Platform.Persistence;

namespace Crm.Platform.Notifications;

/// <summary>
/// The one way to ask for a notification: a mail row in the same unit of work as the change that causes it (an
/// outbox), mailed by <see cref="NotificationWorker"/> after the commit, at least once; and, from the same call, the
/// in-app rows of the bell, so mail and bell always tell of the same events.
/// </summary>
public sealed class NotificationOutbox(CrmDbContext db, InAppNotifications bell, TimeProvider clock)
{
    /// <param name="recipient">A fixed recipient (user name), or null for whoever the task concerns when it is sent.</param>
    public async Task QueueAsync(string kind, Guid taskId, string? recipient, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var row = new Notification { Kind = kind, TaskId = taskId, Recipient = recipient, CreatedAt = at ?? clock.GetUtcNow() };
        db.Notifications.Add(row);
        await bell.RaiseForTaskAsync(kind, taskId, recipient, $"mail:{row.Id}", row.CreatedAt, cancellationToken);
    }
}
