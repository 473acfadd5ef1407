using Crm.Modules.Mail;
using Crm.Modules.Marketing.Consents;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// Delivery reports (RFC 3464, multipart/report; report-type=delivery-status) that come back to a mailing's account:
/// the recipient is found by the original Message-ID (or, without it, by the failed address among recent mailings); a
/// permanent failure (status 5.x.x) marks the recipient bounced and the address invalid, so no later mailing sends
/// to it; a temporary one (4.x.x) is noted on the recipient only.
/// </summary>
public sealed class MailingBounces(CrmDbContext db, TimeProvider clock) : IBounceHandler
{
    public async Task<bool> HandleAsync(MimeMessage message, Guid accountId, CancellationToken cancellationToken)
    {
        if (message.Body is not MultipartReport { ReportType: var type } report || !string.Equals(type, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var original = OriginalMessageId(report);
        var handled = false;
        foreach (var group in status?.StatusGroups.Skip(1) ?? [])
        {
            var action = group["Action"]?.Trim().ToLowerInvariant();
            var code = group["Status"]?.Trim() ?? "";
            var address = FinalRecipient(group["Final-Recipient"] ?? group["Original-Recipient"]);
            if (action is not ("failed" or "delayed") || address is null)
            {
                continue;
            }

            var recipient = original is not null
                ? await db.MailingRecipients.SingleOrDefaultAsync(r => r.MessageId == original, cancellationToken)
                : null;
            // Only a report without the original's Message-ID is matched by address (one with an id of another mail is not ours).
            var recent = clock.GetUtcNow().AddDays(-30);
            recipient ??= original is not null ? null : await db.MailingRecipients.Where(r => r.Email == address && r.SentAt > recent && db.Mailings.Any(m => m.Id == r.MailingId && m.AccountId == accountId))
                .OrderByDescending(r => r.SentAt).FirstOrDefaultAsync(cancellationToken);
            if (recipient is null)
            {
                continue;
            }

            var permanent = action == "failed" && code.StartsWith('5');
            recipient.Reason = Consents.ConsentLedger.Clip($"{(permanent ? "hard" : "soft")} bounce {code}: {group["Diagnostic-Code"]}", 1000);
            if (permanent)
            {
                (recipient.State, recipient.BouncedAt) = (RecipientState.Bounced, clock.GetUtcNow());
                var email = (recipient.Email ?? address).Trim().ToLowerInvariant();
                if (!await db.InvalidAddresses.AnyAsync(a => a.Email == email, cancellationToken) && db.InvalidAddresses.Local.All(a => a.Email != email))
                {
                    db.InvalidAddresses.Add(new InvalidAddress { Email = email, Reason = recipient.Reason!, MailingId = recipient.MailingId, At = clock.GetUtcNow() });
                }
            }

            handled = true;
        }

        return handled;
    }

    private static string? OriginalMessageId(MultipartReport report)
    {
        foreach (var part in report)
        {
            // message/rfc822 and text/rfc822-headers (a MessagePart too) both carry the original's headers.
            var headers = part is MessagePart { Message: { } original } ? original.Headers : null;
            if (headers?[HeaderId.MessageId] is { Length: > 0 } id)
            {
                return id.Trim().Trim('<', '>');
            }
        }

        return null;
    }

    private static string? FinalRecipient(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }

        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>').ToLowerInvariant();
        return address.Contains('@', StringComparison.Ordinal) ? address : null;
    }
}
