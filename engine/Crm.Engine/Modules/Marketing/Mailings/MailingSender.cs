using Crm.Modules.Mail;
using Crm.Modules.Marketing.Campaigns;
using Crm.Modules.Marketing.Consents;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// Sends the mailings that are sending, within each one's rate. The recipient rows are the outbox: a pass claims a
/// batch (a token and a deadline on each row), sends on one SMTP connection, and marks each row sent right after the
/// server accepted it, only while the claim is still its own. A node that dies mid-batch leaves claims that expire and
/// are taken again (the server discarded the unfinished message); consent and the invalid-address list are checked
/// again just before sending, so a withdrawal after the start is honoured.
/// </summary>
public sealed class MailingSender(CrmDbContext db, MailAccounts accounts, MailingComposer composer, ConsentLedger consents, IOptions<MarketingOptions> options,
    IOptions<NotificationOptions> notifications, TimeProvider clock, ILogger<MailingSender> logger)
{
    /// <summary>Sends what is due of every sending mailing; returns how many messages went out.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var sending = await db.Mailings.AsNoTracking().Where(m => m.Status == MailingStatus.Sending).Select(m => m.Id).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var id in sending)
        {
            sent += await SendBatchAsync(id, cancellationToken);
        }

        return sent;
    }

    private async Task<int> SendBatchAsync(Guid mailingId, CancellationToken cancellationToken)
    {
        var mailing = await db.Mailings.AsNoTracking().SingleAsync(m => m.Id == mailingId, cancellationToken);
        var now = clock.GetUtcNow();
        var budget = await BudgetAsync(mailing, now, cancellationToken);
        if (budget <= 0)
        {
            return 0;
        }

        var due = await db.MailingRecipients.AsNoTracking()
            .Where(r => r.MailingId == mailingId && (r.State == RecipientState.Pending || r.State == RecipientState.Sending) && r.NextAttemptAt <= now)
            .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).Select(r => r.Id).Take(budget).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            await FinishIfDoneAsync(mailingId, cancellationToken);
            return 0;
        }

        var claim = Guid.NewGuid();
        var until = now + options.Value.SendClaim;
        await db.MailingRecipients.Where(r => due.Contains(r.Id) && (r.State == RecipientState.Pending || r.State == RecipientState.Sending) && r.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Sending).SetProperty(r => r.ClaimToken, claim).SetProperty(r => r.NextAttemptAt, until)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), cancellationToken);
        var batch = await db.MailingRecipients.AsNoTracking().Where(r => r.MailingId == mailingId && r.ClaimToken == claim && r.State == RecipientState.Sending)
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Checked again now: a consent withdrawn or an address found invalid after the start wins.
        var consenting = await consents.CurrentAsync([.. batch.Select(r => r.PersonId!.Value)], ConsentPurposes.MarketingEmail, cancellationToken);
        var emails = batch.Select(r => r.Email!).ToList();
        var invalid = (await db.InvalidAddresses.AsNoTracking().Where(a => emails.Contains(a.Email)).Select(a => a.Email).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sent = 0;
        SmtpClient? smtp = null;
        try
        {
            var (client, from) = await accounts.OpenSmtpAsync(mailing.AccountId, cancellationToken);
            smtp = client;
            var baseUrl = new Uri(notifications.Value.BaseUrl);
            var position = 0;
            foreach (var recipient in batch)
            {
                // Paused or cancelled meanwhile: what this pass still holds goes back (a resume sends it).
                if (++position % 20 == 0 && !await db.Mailings.AnyAsync(m => m.Id == mailingId && m.Status == MailingStatus.Sending, cancellationToken))
                {
                    break;
                }

                if (!consenting.Contains(recipient.PersonId!.Value) || invalid.Contains(recipient.Email!))
                {
                    await MarkAsync(recipient.Id, claim, RecipientState.Skipped, invalid.Contains(recipient.Email!) ? "invalid-address" : "no-consent", cancellationToken);
                    continue;
                }

                // Still ours? Each message renews its row's claim first: a slow server never lets the claim run out under a message.
                var renewedUntil = clock.GetUtcNow() + options.Value.SendClaim;
                if (await db.MailingRecipients.Where(r => r.Id == recipient.Id && r.ClaimToken == claim && r.State == RecipientState.Sending)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextAttemptAt, renewedUntil), cancellationToken) != 1)
                {
                    continue;
                }

                try
                {
                    await smtp.SendAsync(composer.Compose(mailing, recipient, from, baseUrl), cancellationToken);
                }
                catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted)
                {
                    await MarkAsync(recipient.Id, claim, RecipientState.Failed, Clip(ex.Message), cancellationToken);
                    continue;
                }

                // Accepted: recorded at once (a crash between the server's answer and this update is the only window for a second copy).
                sent += await MarkAsync(recipient.Id, claim, RecipientState.Sent, null, cancellationToken);
            }

            await smtp.DisconnectAsync(true, cancellationToken);
            await ReleaseAsync(claim, clock.GetUtcNow());   // left over after a pause
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The server or connection failed: what this pass still holds goes back to the queue after a pause (or fails after the last attempt).
            logger.LogWarning(ex, "Mailing {Mailing}: sending stopped after {Sent} messages; the rest is tried again", mailingId, sent);
            var retryAt = clock.GetUtcNow() + TimeSpan.FromSeconds(30);
            var max = options.Value.MaxSendAttempts;
            var error = Clip(ex.Message);
            await db.MailingRecipients.Where(r => r.ClaimToken == claim && r.State == RecipientState.Sending).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, r => r.Attempts >= max ? RecipientState.Failed : RecipientState.Pending)
                .SetProperty(r => r.NextAttemptAt, retryAt).SetProperty(r => r.Reason, error).SetProperty(r => r.ClaimToken, (Guid?)null), CancellationToken.None);
        }
        finally
        {
            smtp?.Dispose();
        }

        await MarkMembersContactedAsync(mailingId, cancellationToken);
        return sent;
    }

    private Task<int> ReleaseAsync(Guid claim, DateTimeOffset at) =>
        db.MailingRecipients.Where(r => r.ClaimToken == claim && r.State == RecipientState.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, RecipientState.Pending).SetProperty(r => r.NextAttemptAt, at).SetProperty(r => r.ClaimToken, (Guid?)null)
            .SetProperty(r => r.Attempts, r => r.Attempts - 1), CancellationToken.None);

    /// <summary>
    /// How many may go now: the rate per minute minus what the account sent in the last minute (all its mailings), spread over the
    /// passes (no burst of a whole minute's share at once).
    /// </summary>
    private async Task<int> BudgetAsync(Mailing mailing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var perPass = options.Value.MaxBatch;
        if (mailing.RatePerMinute <= 0)
        {
            return perPass;
        }

        var minuteAgo = now.AddMinutes(-1);
        var accountMailings = db.Mailings.Where(m => m.AccountId == mailing.AccountId).Select(m => m.Id);
        var lastMinute = await db.MailingRecipients.CountAsync(r => accountMailings.Contains(r.MailingId) && r.SentAt > minuteAgo, cancellationToken);
        var smooth = (int)Math.Ceiling(mailing.RatePerMinute * options.Value.SendInterval.TotalSeconds / 60.0);
        return Math.Min(perPass, Math.Min(smooth, mailing.RatePerMinute - lastMinute));
    }

    private async Task<int> MarkAsync(Guid id, Guid claim, RecipientState state, string? reason, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        return await db.MailingRecipients.Where(r => r.Id == id && r.ClaimToken == claim && r.State == RecipientState.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, state).SetProperty(r => r.Reason, reason).SetProperty(r => r.ClaimToken, (Guid?)null)
            .SetProperty(r => r.SentAt, r => state == RecipientState.Sent ? at : r.SentAt), CancellationToken.None);
    }

    private async Task MarkMembersContactedAsync(Guid mailingId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sentMembers = db.MailingRecipients.Where(r => r.MailingId == mailingId && r.State == RecipientState.Sent).Select(r => r.MemberId);
        await db.CampaignMembers.Where(m => m.State == MemberState.Targeted && sentMembers.Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MemberState.Contacted).SetProperty(m => m.StateAt, now), cancellationToken);
    }

    private async Task FinishIfDoneAsync(Guid mailingId, CancellationToken cancellationToken)
    {
        if (await db.MailingRecipients.AnyAsync(r => r.MailingId == mailingId && (r.State == RecipientState.Pending || r.State == RecipientState.Sending), cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow();
        await db.Mailings.Where(m => m.Id == mailingId && m.Status == MailingStatus.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MailingStatus.Sent).SetProperty(m => m.FinishedAt, now).SetProperty(m => m.Revision, m => m.Revision + 1), cancellationToken);
        await MarkMembersContactedAsync(mailingId, cancellationToken);
    }

    private static string? Clip(string? text) => Consents.ConsentLedger.Clip(text, 1000);
}
