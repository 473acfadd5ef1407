using Crm.Platform.Persistence;

namespace Crm.Platform.Notifications;

/// <summary>
/// The one way to ask for a notification mail: a row in the same unit of work as the change that causes
/// it (an outbox), mailed by <see cref="NotificationWorker"/> after the commit, at least once.
/// </summary>
public sealed class NotificationOutbox(CrmDbContext db, TimeProvider clock)
{
    /// <param name="recipient">A fixed recipient (user name), or null for whoever the task concerns when it is sent.</param>
    public void Queue(string kind, Guid taskId, string? recipient, DateTimeOffset? at = null) =>
        db.Notifications.Add(new Notification { Kind = kind, TaskId = taskId, Recipient = recipient, CreatedAt = at ?? clock.GetUtcNow() });
}
