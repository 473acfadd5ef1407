using Crm.Workflow.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Documents.Validity;

/// <summary>
/// Mails the document's owner and its counterparty's owner when a document's valid-to date is near: from
/// <see cref="DocumentOptions.ReminderDaysFor"/> days before it (by document type), once per date, so a renewed date
/// is reminded again. Each document is claimed with a conditional update before its mail goes, so several servers
/// never send one reminder twice. Without SMTP nothing is claimed: the reminders go once mail is set up. A mail
/// that fails gives the document back for the next pass.
/// </summary>
public sealed class ExpiryReminders(
    CrmDbContext db, MailSender sender, IDocumentCounterparties counterparties, DocumentAccess access, IOptions<DocumentOptions> options,
    IOptions<NotificationOptions> notifications, TimeProvider clock, ILogger<ExpiryReminders> logger)
{
    private const int Batch = 200;

    private sealed record Due(Guid Id, string Title, string? Type, string Owner, DateOnly ValidTo, Guid? CounterpartyId, DateOnly? RemindedFor);

    /// <summary>One pass for today (UTC).</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken);

    /// <summary>One pass as on <paramref name="today"/>: returns how many documents were reminded.</summary>
    public async Task<int> RunOnceAsync(DateOnly today, CancellationToken cancellationToken)
    {
        if (!sender.Configured)
        {
            return 0;
        }

        var reminded = 0;
        foreach (var due in DueQueries(today))
        {
            while (true)
            {
                var batch = await due.OrderBy(d => d.ValidTo).Take(Batch)
                    .Select(d => new Due(d.Id, d.Title, d.Type, d.Owner, d.ValidTo!.Value, d.CounterpartyId, d.ExpiryRemindedFor))
                    .ToListAsync(cancellationToken);
                foreach (var document in batch)
                {
                    switch (await RemindAsync(document, today, cancellationToken))
                    {
                        case true:
                            reminded++;
                            break;
                        case null:
                            return reminded;   // mail is failing: the rest waits for the next pass
                    }
                }

                if (batch.Count < Batch)
                {
                    break;
                }
            }
        }

        return reminded;
    }

    /// <summary>Documents due for a reminder, one query per lead time (types listed with the same number of days, then every other type).</summary>
    private List<IQueryable<Document>> DueQueries(DateOnly today)
    {
        var settings = options.Value;
        var unreminded = db.Documents.AsNoTracking().Where(d => d.ValidTo != null && d.ExpiryRemindedFor != d.ValidTo);
        var listed = settings.ExpiryReminderDays.Keys.ToList();
        var queries = settings.ExpiryReminderDays.GroupBy(t => settings.ReminderDaysFor(t.Key), t => t.Key).Select(group =>
        {
            var until = today.AddDays(group.Key);
            var types = group.ToList();
            return unreminded.Where(d => d.ValidTo <= until && types.Contains(d.Type!));
        }).ToList();
        var otherwise = today.AddDays(settings.ReminderDaysFor(null));
        queries.Add(unreminded.Where(d => d.ValidTo <= otherwise && (d.Type == null || !listed.Contains(d.Type))));
        return queries;
    }

    /// <summary>True when reminded, false when another server took it (or it changed), null when the mail failed.</summary>
    private async Task<bool?> RemindAsync(Due document, DateOnly today, CancellationToken cancellationToken)
    {
        // Whoever sets the date first owns the reminder; a changed valid-to date or another server's claim matches nothing.
        var claimed = await db.Documents
            .Where(d => d.Id == document.Id && d.ValidTo == document.ValidTo && d.ExpiryRemindedFor == document.RemindedFor)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ExpiryRemindedFor, (DateOnly?)document.ValidTo), cancellationToken);
        if (claimed != 1)
        {
            return false;
        }

        var counterparty = document.CounterpartyId is { } id ? await counterparties.FindAsync(id, cancellationToken) : null;
        // The company's owner hears of the document only when they may read it: its title is not for everyone.
        var companyOwner = counterparty?.Owner is { } owner && await MayReadAsync(document.Id, owner, cancellationToken) ? owner : null;
        var names = new[] { document.Owner, companyOwner }.OfType<string>().Select(n => n.ToUpperInvariant()).Distinct().ToList();
        var users = (await db.Users.AsNoTracking()
                .Where(u => names.Contains(u.NormalizedUserName) && u.IsActive && u.EmailNotifications && u.Email != null && u.Email != "")
                .OrderBy(u => u.UserName).ToListAsync(cancellationToken))
            .DistinctBy(u => u.Email!.ToUpperInvariant()).ToList();
        var mails = users.Select(u => Compose(document, counterparty, today, u.Email!, u.DisplayName)).ToList();
        try
        {
            await sender.SendAsync(mails, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Expiry reminder for document {Id} could not be sent; trying again in the next pass", document.Id);
            await db.Documents.Where(d => d.Id == document.Id && d.ExpiryRemindedFor == document.ValidTo)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ExpiryRemindedFor, document.RemindedFor), CancellationToken.None);
            return null;
        }

        db.DocumentEvents.Add(new DocumentEvent
        {
            DocumentId = document.Id,
            Kind = DocumentEventKind.ExpiryReminder,
            UserName = "system",
            At = clock.GetUtcNow(),
            Client = "server",
            Details = JsonSerializer.Serialize(new { validTo = document.ValidTo, mailed = users.Select(u => u.UserName) }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<bool> MayReadAsync(Guid documentId, string userName, CancellationToken cancellationToken)
    {
        var who = await db.Users.AsNoTracking().Where(u => u.UserName == userName && u.IsActive).Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(cancellationToken);
        if (who is null)
        {
            return false;
        }

        var roles = await db.UserRoles.AsNoTracking().Where(r => r.UserId == who.Id).Select(r => r.Role).ToListAsync(cancellationToken);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == who.Id).Select(m => m.Group!.Name).ToListAsync(cancellationToken);
        var user = new CurrentUser(who.Id, who.UserName, roles.ToHashSet(StringComparer.Ordinal), groups.ToHashSet(StringComparer.Ordinal));
        var document = await db.Documents.AsNoTracking().SingleAsync(d => d.Id == documentId, cancellationToken);
        access.Invalidate();   // folder rights are cached per scope for one user; this pass asks for many
        try
        {
            return (await access.RightsAsync(document, user, cancellationToken)).HasFlag(DocumentRights.Read);
        }
        finally
        {
            access.Invalidate();
        }
    }

    private OutgoingMail Compose(Due document, DocumentCounterparty? counterparty, DateOnly today, string to, string toName)
    {
        var link = new Uri(new Uri(notifications.Value.BaseUrl), $"documents/{document.Id}");
        var date = document.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var left = document.ValidTo.DayNumber - today.DayNumber;
        var subject = left < 0 ? $"Document expired on {date}: {document.Title}" : $"Document expires on {date}: {document.Title}";
        var of = counterparty is null ? "" : $" of {counterparty.Name}";
        var when = left switch
        {
            < 0 => $"expired on {date}",
            0 => $"is valid until today ({date})",
            1 => $"is valid until tomorrow ({date})",
            _ => FormattableString.Invariant($"is valid until {date}, {left} days from now"),
        };
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {toName},").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The document \"{document.Title}\"{(document.Type is null ? "" : $" ({document.Type})")}{of} {when}.")
            .AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Open it: {link}").AppendLine()
            .AppendLine("You get this as the owner of the document or of its counterparty.")
            .ToString();
        return new OutgoingMail(to, toName, subject, body);
    }
}

/// <summary>Runs <see cref="ExpiryReminders"/> a minute after start and then every hour while SMTP is configured.</summary>
public sealed class ExpiryReminderWorker(IServiceScopeFactory scopes, MailSender sender, TimeProvider clock, ILogger<ExpiryReminderWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!sender.Configured)
        {
            logger.LogInformation("Document expiry reminders are off: set Crm:Notifications:SmtpHost to send them");
            return;
        }

        await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var reminded = await scope.ServiceProvider.GetRequiredService<ExpiryReminders>().RunOnceAsync(stoppingToken);
                if (reminded > 0)
                {
                    logger.LogInformation("Reminded the owners of {Count} expiring document(s)", reminded);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Document expiry reminder pass failed; trying again in {Interval}", Every);
            }

            await Task.Delay(Every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
