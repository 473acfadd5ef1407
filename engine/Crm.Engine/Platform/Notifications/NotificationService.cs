using System.Globalization;
using System.Text;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Platform.Notifications;

public sealed record OutgoingMail(string To, string ToName, string Subject, string Body);

/// <summary>
/// Turns notification rows into mails: finds reminders and escalations that are due, resolves who a task
/// concerns, honours each person's settings (mail off, daily digest) and sends through <see cref="MailSender"/>.
/// Every pass is safe to run on several servers at once: rows and tasks are claimed with conditional updates.
/// </summary>
public sealed class NotificationService(CrmDbContext db, NotificationOutbox outbox, MailSender sender, IOptions<NotificationOptions> options, IEnumerable<OwnReminders> ownReminders, TimeProvider clock, ILogger<NotificationService> logger)
{
    /// <summary>Tasks whose module reminds and escalates through its own (editable) process, not here.</summary>
    private readonly List<string> _ownReminders = [.. ownReminders.Select(o => o.FormKey)];
    private readonly NotificationOptions _options = options.Value;

    /// <summary>One pass: schedule reminders/escalations, mail what is pending, send digests that are due. Returns mails sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await ScheduleRemindersAsync(now, cancellationToken);
        await ScheduleEscalationsAsync(now, cancellationToken);
        await PruneReadAsync(now, cancellationToken);
        if (!sender.Configured)
        {
            return 0;   // no SMTP: reminders and escalations still reach the bell; the mail rows wait for a mail server
        }

        var sent = await SendPendingAsync(now, cancellationToken);
        sent += await SendDigestsAsync(now, cancellationToken);
        return sent;
    }

    /// <summary>Read bell rows older than <see cref="NotificationOptions.ReadKeptFor"/> go; unread ones stay until read.</summary>
    private Task<int> PruneReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - _options.ReadKeptFor;
        return db.UserNotifications.Where(n => n.ReadAt != null && n.ReadAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task ScheduleRemindersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var horizon = now + _options.ReminderBefore;
        var due = await db.UserTasks.AsNoTracking()
            .Where(t => t.Status == TaskStatus.Open && t.ReminderSentAt == null && t.DueAt != null && t.DueAt <= horizon && t.DueAt > now && !_ownReminders.Contains(t.FormKey!))
            .Select(t => t.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            // Whoever flips the flag first owns the reminder; a second server finds nothing to update.
            if (await db.UserTasks.Where(t => t.Id == id && t.ReminderSentAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.ReminderSentAt, now), cancellationToken) == 1)
            {
                await outbox.QueueAsync(NotificationKind.Reminder, id, null, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }
        }
    }

    private async Task ScheduleEscalationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var overdue = await db.UserTasks.AsNoTracking().Include(t => t.Candidates)
            .Where(t => t.Status == TaskStatus.Open && t.EscalatedAt == null && t.DueAt != null && t.DueAt <= now && !_ownReminders.Contains(t.FormKey!))
            .Take(500).ToListAsync(cancellationToken);
        foreach (var task in overdue)
        {
            if (await db.UserTasks.Where(t => t.Id == task.Id && t.EscalatedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.EscalatedAt, now), cancellationToken) != 1)
            {
                continue;
            }

            var told = new HashSet<string>(StringComparer.Ordinal);
            foreach (var supervisor in await SupervisorsAsync(task, cancellationToken))
            {
                told.Add(supervisor);
                await outbox.QueueAsync(NotificationKind.Escalation, task.Id, supervisor, now, cancellationToken);
            }

            // Who handed the work on (a delegated task, a subtask) is told too: it is still theirs to answer for.
            if (task.Owner is { } delegator && delegator != task.Assignee && (task.Delegation == DelegationState.Pending || task.ParentTaskId is not null) && told.Add(delegator))
            {
                await outbox.QueueAsync(NotificationKind.Escalation, task.Id, delegator, now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The assignee's manager; for an unclaimed task the leads of its candidate groups.</summary>
    public async Task<List<string>> SupervisorsAsync(UserTask task, CancellationToken cancellationToken)
    {
        if (task.Assignee is { } assignee)
        {
            var manager = await db.Users.AsNoTracking().Where(u => u.UserName == assignee && u.ManagerId != null)
                .Join(db.Users, u => u.ManagerId, m => m.Id, (u, m) => m.UserName).FirstOrDefaultAsync(cancellationToken);
            return manager is null ? [] : [manager];
        }

        var groups = task.Candidates.Where(c => c.Kind == CandidateKind.Group).Select(c => c.Name).ToList();
        return await db.Groups.AsNoTracking().Where(g => groups.Contains(g.Name) && g.LeadUserId != null)
            .Join(db.Users, g => g.LeadUserId, u => u.Id, (g, u) => u.UserName).Distinct().ToListAsync(cancellationToken);
    }

    private async Task<int> SendPendingAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pending = await db.Notifications.AsNoTracking()
            .Where(n => n.ProcessedAt == null && n.Kind != NotificationKind.DigestItem && n.Attempts < _options.MaxAttempts && (n.LockedUntil == null || n.LockedUntil < now))
            .OrderBy(n => n.Id).Take(200).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var notification in pending)
        {
            var lockUntil = now.AddMinutes(5);
            if (await db.Notifications.Where(n => n.Id == notification.Id && n.ProcessedAt == null && (n.LockedUntil == null || n.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, lockUntil), cancellationToken) != 1)
            {
                continue;   // another server took it
            }

            try
            {
                sent += await DeliverAsync(notification, now, cancellationToken);
                await db.Notifications.Where(n => n.Id == notification.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.ProcessedAt, now).SetProperty(n => n.LockedUntil, (DateTimeOffset?)null), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Notification {Id} ({Kind}) could not be sent", notification.Id, notification.Kind);
                var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                await db.Notifications.Where(n => n.Id == notification.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(n => n.Attempts, n => n.Attempts + 1).SetProperty(n => n.LastError, error).SetProperty(n => n.LockedUntil, (DateTimeOffset?)null), cancellationToken);
            }
        }

        return sent;
    }

    private async Task<int> DeliverAsync(Notification notification, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var task = notification.TaskId is { } taskId
            ? await db.UserTasks.AsNoTracking().Include(t => t.Candidates).SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken)
            : null;
        if (task is null || (task.Status != TaskStatus.Open && notification.Kind != NotificationKind.TaskReturned))
        {
            return 0;   // the task is gone or done: nothing worth a mail any more
        }

        var recipients = notification.Recipient is { } fixedRecipient ? [fixedRecipient] : await TaskRecipients.ConcernedAsync(db, task, cancellationToken);
        var users = await db.Users.AsNoTracking().Where(u => recipients.Contains(u.UserName) && u.IsActive).ToListAsync(cancellationToken);
        var mails = new List<OutgoingMail>();
        foreach (var user in users.Where(u => u.EmailNotifications && !string.IsNullOrWhiteSpace(u.Email)))
        {
            var (subject, body) = Compose(notification.Kind, task, user);
            if (user.DailyDigest && notification.Kind != NotificationKind.Escalation)
            {
                db.Notifications.Add(new Notification { Kind = NotificationKind.DigestItem, Recipient = user.UserName, TaskId = task.Id, Text = subject, CreatedAt = now });
            }
            else
            {
                mails.Add(new OutgoingMail(user.Email!, user.DisplayName, subject, body));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await sender.SendAsync(mails, cancellationToken);
        return mails.Count;
    }

    private (string Subject, string Body) Compose(string kind, UserTask task, User user)
    {
        var link = new Uri(new Uri(_options.BaseUrl), $"tasks/{task.Id}");
        var due = task.DueAt is { } d ? $" (due {d:yyyy-MM-dd HH:mm} UTC)" : "";
        var process = task.ProcessName ?? task.ProcessKey;
        var subject = kind switch
        {
            NotificationKind.TaskCreated when task.Assignee is null => $"New task for your group: {task.Name}",
            NotificationKind.TaskCreated => $"New task: {task.Name}",
            NotificationKind.TaskDelegated => $"Task delegated to you: {task.Name}",
            NotificationKind.TaskReturned => $"Delegated task came back: {task.Name}",
            NotificationKind.TaskReassigned => $"A task was handed to you: {task.Name}",
            NotificationKind.Reminder => $"Reminder: {task.Name}{due}",
            NotificationKind.Escalation => $"Overdue task needs attention: {task.Name}",
            _ => task.Name,
        };
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {user.DisplayName},").AppendLine()
            .AppendLine(kind == NotificationKind.Escalation
                ? FormattableString.Invariant($"The task \"{task.Name}\" in {process} is overdue{due}. It is assigned to {task.Assignee ?? "nobody yet"}.")
                : FormattableString.Invariant($"{subject} in {process}{(task.BusinessKey is null ? "" : $" ({task.BusinessKey})")}."))
            .AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Open it: {link}").AppendLine()
            .AppendLine("You can switch these e-mails off or get one daily digest instead in your settings.")
            .ToString();
        return (subject, body);
    }

    private async Task<int> SendDigestsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var digestTime = new DateTimeOffset(now.UtcDateTime.Date.AddHours(_options.DigestHour), TimeSpan.Zero);
        if (now < digestTime)
        {
            return 0;
        }

        var items = await db.Notifications.AsNoTracking()
            .Where(n => n.Kind == NotificationKind.DigestItem && n.ProcessedAt == null && n.CreatedAt < digestTime)
            .OrderBy(n => n.Id).Take(5000).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var perUser in items.GroupBy(i => i.Recipient!))
        {
            var ids = perUser.Select(i => i.Id).ToList();
            if (await db.Notifications.Where(n => ids.Contains(n.Id) && n.ProcessedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.ProcessedAt, now), cancellationToken) != ids.Count)
            {
                continue;   // another server is sending this digest
            }

            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == perUser.Key, cancellationToken);
            if (user?.Email is null)
            {
                continue;
            }

            var body = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"Hello {user.DisplayName},").AppendLine().AppendLine("Your tasks since the last digest:").AppendLine();
            foreach (var item in perUser)
            {
                body.AppendLine(CultureInfo.InvariantCulture, $"- {item.Text}: {new Uri(new Uri(_options.BaseUrl), $"tasks/{item.TaskId}")}");
            }

            await sender.SendAsync([new OutgoingMail(user.Email, user.DisplayName, $"Your daily task digest ({perUser.Count()})", body.ToString())], cancellationToken);
            sent++;
        }

        return sent;
    }
}

/// <summary>Sends mail over SMTP with MailKit, one connection per batch.</summary>
public sealed class MailSender(IOptions<NotificationOptions> options)
{
    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.SmtpHost);

    public async Task SendAsync(IReadOnlyCollection<OutgoingMail> mails, CancellationToken cancellationToken)
    {
        if (mails.Count == 0 || !Configured)
        {
            return;
        }

        var o = options.Value;
        using var client = new MailKit.Net.Smtp.SmtpClient();
        var security = Enum.TryParse<MailKit.Security.SecureSocketOptions>(o.Security, ignoreCase: true, out var parsed) ? parsed : MailKit.Security.SecureSocketOptions.Auto;
        await client.ConnectAsync(o.SmtpHost!, o.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await client.AuthenticateAsync(o.UserName, o.Password ?? "", cancellationToken);
        }

        foreach (var mail in mails)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(o.From));
            message.To.Add(new MailboxAddress(mail.ToName, mail.To));
            message.Subject = mail.Subject;
            message.Body = new TextPart("plain") { Text = mail.Body };
            await client.SendAsync(message, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
    }
}
