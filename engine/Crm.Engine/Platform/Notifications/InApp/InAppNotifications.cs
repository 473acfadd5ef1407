using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Notifications;

/// <summary>
/// Writes bell rows in the unit of work of the change that causes them. <see cref="NotificationOutbox"/> calls it for
/// every mail it queues, so the bell and the e-mails come from the same events and cannot drift apart.
/// </summary>
public sealed class InAppNotifications(CrmDbContext db, TimeProvider clock)
{
    /// <summary>The bell rows for a task event; a null recipient means whoever the task concerns now.</summary>
    public async Task RaiseForTaskAsync(string kind, Guid taskId, string? recipient, string sourceKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A task created in this very unit is not in the database yet: look in the unit first.
        var task = db.UserTasks.Local.FirstOrDefault(t => t.Id == taskId)
            ?? await db.UserTasks.Include(t => t.Candidates).SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return;
        }

        var recipients = recipient is { } fixedRecipient ? [fixedRecipient] : await TaskRecipients.ConcernedAsync(db, task, cancellationToken);
        await AddAsync(recipients, kind, task.Name, null, $"tasks/{task.Id}", task.Id, sourceKey, at, cancellationToken);
    }

    /// <summary>Bell rows for anything else (a mention): one per active recipient, once per <paramref name="sourceKey"/>.</summary>
    public Task RaiseAsync(IEnumerable<string> recipients, string kind, string subject, string? actor, string link, string sourceKey, CancellationToken cancellationToken) =>
        AddAsync(recipients, kind, subject, actor, link, null, sourceKey, clock.GetUtcNow(), cancellationToken);

    private async Task AddAsync(IEnumerable<string> recipients, string kind, string subject, string? actor, string link, Guid? taskId, string sourceKey,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var names = recipients.Distinct(StringComparer.Ordinal).ToList();
        var active = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName) && u.IsActive).Select(u => u.UserName).ToListAsync(cancellationToken);
        var already = await db.UserNotifications.AsNoTracking().Where(n => n.SourceKey == sourceKey && active.Contains(n.Recipient)).Select(n => n.Recipient).ToListAsync(cancellationToken);
        foreach (var name in active.Except(already).Where(n => !db.UserNotifications.Local.Any(l => l.SourceKey == sourceKey && l.Recipient == n)))
        {
            db.UserNotifications.Add(new UserNotification
            {
                Recipient = name, Kind = kind, Subject = Shorten(subject, 300), Actor = actor is null ? null : Shorten(actor, 200), Link = link,
                TaskId = taskId, SourceKey = sourceKey, CreatedAt = at,
            });
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>Who a task concerns: its assignee, else everyone it is offered to (directly or through a group). Mail and bell ask the same.</summary>
public static class TaskRecipients
{
    public static async Task<List<string>> ConcernedAsync(CrmDbContext db, UserTask task, CancellationToken cancellationToken)
    {
        if (task.Assignee is { } assignee)
        {
            return [assignee];
        }

        var users = task.Candidates.Where(c => c.Kind == CandidateKind.User).Select(c => c.Name).ToList();
        var groups = task.Candidates.Where(c => c.Kind == CandidateKind.Group).Select(c => c.Name).ToList();
        var members = await db.GroupMembers.AsNoTracking()
            .Join(db.Groups.Where(g => groups.Contains(g.Name)), m => m.GroupId, g => g.Id, (m, g) => m.UserId)
            .Join(db.Users, id => id, u => u.Id, (id, u) => u.UserName).ToListAsync(cancellationToken);
        return [.. users.Concat(members).Distinct(StringComparer.Ordinal)];
    }
}
