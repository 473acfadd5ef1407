using System.Globalization;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Mail.Register;

/// <summary>
/// Reminds whoever registered an incoming letter the day before its answer is due (or at once when it is already late),
/// once per letter: the row is claimed with a conditional update, so several nodes remind once. Without SMTP nothing
/// is claimed, so the reminder goes out once mail is configured.
/// </summary>
public sealed class CorrespondenceReminders(CrmDbContext db, MailSender sender, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<CorrespondenceReminders> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!sender.Configured)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var tomorrow = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1);
        // Only letters whose registrar can be mailed: the others would block the queue forever.
        var due = await db.Correspondence.AsNoTracking()
            .Where(e => e.Direction == "in" && e.AnswerDeadline != null && e.AnswerDeadline <= tomorrow && e.AnsweredById == null && e.DeadlineRemindedAt == null
                && db.Users.Any(u => u.UserName == e.RegisteredBy && u.IsActive && u.Email != null))
            .OrderBy(e => e.AnswerDeadline).Select(e => new { e.Id, e.Number, e.Subject, e.AnswerDeadline, e.RegisteredBy }).Take(200).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var entry in due)
        {
            var to = await db.Users.AsNoTracking().Where(u => u.UserName == entry.RegisteredBy && u.IsActive).Select(u => new { u.Email, u.DisplayName }).FirstOrDefaultAsync(cancellationToken);
            if (to?.Email is null || await db.Correspondence.Where(e => e.Id == entry.Id && e.DeadlineRemindedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.DeadlineRemindedAt, now), cancellationToken) != 1)
            {
                continue;
            }

            var deadline = entry.AnswerDeadline!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            try
            {
                await sender.SendAsync([new OutgoingMail(to.Email, to.DisplayName, $"Answer due {deadline}: {entry.Number} {entry.Subject}",
                    $"The incoming letter {entry.Number} ({entry.Subject}) needs an answer by {deadline}.\n\n{options.Value.BaseUrl}correspondence?text={Uri.EscapeDataString(entry.Number)}")], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not sent: give the claim back so the next pass tries again, and stop this pass (the server is likely down).
                await db.Correspondence.Where(e => e.Id == entry.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.DeadlineRemindedAt, (DateTimeOffset?)null), CancellationToken.None);
                logger.LogWarning(ex, "Answer reminder for {Number} not sent; tried again next pass", entry.Number);
                break;
            }

            sent++;
        }

        return sent;
    }
}
