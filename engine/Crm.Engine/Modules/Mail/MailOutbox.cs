using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Crm.Modules.Mail;

/// <summary>A mail to queue; also what other modules (a mail merge) send through.</summary>
[ModuleContract]
public sealed record ComposeMail(Guid AccountId, string? To, string? Cc, string? Subject, string? Body, IReadOnlyList<Guid>? DocumentIds,
    Guid? CounterpartyId, Guid? PersonId, Guid? CaseId, Guid? ReplyToMailId);

[ModuleContract]
public sealed record QueuedMail(Guid Id, string MessageId, MailState State);

/// <summary>
/// Outgoing mail. Composing checks everything (the account is the sender's to use, the company, person and case are
/// visible to them, each attachment may be downloaded by them: a register row each) and builds the message once, with
/// its Message-ID: the .eml is a document from that moment and what is sent is exactly those bytes. The worker sends
/// from the outbox, at least once and never twice for one attempt that finished: a row is claimed before the
/// transfer and marked sent right after the server accepted it; a node that dies mid-transfer leaves a claim that
/// expires and is tried again (the server discarded the incomplete message).
/// </summary>
[ModuleContract]
public sealed class MailOutbox(CrmDbContext db, MailAccounts accounts, RecordDocuments documents, Correspondents correspondents, MailFiling filing, Crm.Platform.Identity.UserDirectory users,
    IOptions<MailOptions> options, TimeProvider clock, ILogger<MailOutbox> logger)
{
    /// <summary>What most mail servers accept in one message (attachments grow by a third in transfer encoding).</summary>
    public const long MaxAttachmentBytes = 25L * 1024 * 1024;

    public async Task<QueuedMail> QueueAsync(ComposeMail input, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var account = await db.MailAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == input.AccountId && !a.Archived, cancellationToken);
        if (account is null || !MailAccounts.MayUse(account, user))
        {
            throw ValidationFailedException.For("accountId", "Choose an account you may send from.");
        }

        var queued = await AddAsync(account, input, user, user.UserName, from, null, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return queued;
    }

    /// <summary>
    /// A mail a process sends (the send-e-mail handler, a message throw or end event): added to the step's unit of work,
    /// with a Message-ID derived from the step's idempotency key, so a retried step finds its mail instead of queuing a
    /// second one. Attachments and the company it is filed on are checked against the user who completed the step; a
    /// step run by the job executor (no user) may file on an existing company but attach nothing.
    /// </summary>
    public async Task<QueuedMail> QueueForProcessAsync(string accountName, ComposeMail input, string? userName, string idempotencyKey, CancellationToken cancellationToken)
    {
        var account = await db.MailAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Name == accountName && !a.Archived, cancellationToken)
            ?? throw ValidationFailedException.For("account", $"There is no mail account named '{accountName}'.");
        var domain = account.Address[(account.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var messageId = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)))[..32]}.process@{domain}";
        if (await db.MailMessages.AsNoTracking().Where(m => m.Direction == "out" && m.MessageKey == messageId).Select(m => new QueuedMail(m.Id, messageId, m.State)).FirstOrDefaultAsync(cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var user = userName is null ? null : await users.CurrentUserAsync(userName, cancellationToken);
        if (user is not null && !MailAccounts.MayUse(account, user))
        {
            // The account may come from an expression over a form's values: the user behind the step must be allowed to use it.
            throw ValidationFailedException.For("account", $"{user.UserName} may not send from the account '{accountName}'.");
        }

        if (user is null && input.DocumentIds is { Count: > 0 })
        {
            throw ValidationFailedException.For("documentIds", "A mail with attachments is sent by a step a user completes: their download right is checked.");
        }

        return await AddAsync(account, input, user, userName ?? "process", AccessContext.Internal, messageId, cancellationToken);
    }

    private async Task<QueuedMail> AddAsync(MailAccount account, ComposeMail input, CurrentUser? user, string sender, AccessContext from, string? messageId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var to = Addresses(input.To, "to", errors, required: true);
        var cc = Addresses(input.Cc, "cc", errors, required: false);
        if (string.IsNullOrWhiteSpace(input.Subject) || input.Subject.Length > 900) errors["subject"] = ["Give a subject of at most 900 characters."];
        if (input.Body is { Length: > 200_000 }) errors["body"] = ["The text is too long (200 000 characters at most)."];
        if (account.SmtpHost is null) errors["accountId"] = ["This account has no SMTP server: it cannot send."];
        var documentIds = input.DocumentIds?.Distinct().ToList() ?? [];
        if (documentIds.Count > 20) errors["documentIds"] = ["Attach at most 20 documents."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        MailFilingTarget? target = null;
        if (input.CaseId is { } caseId && input.CounterpartyId is null)
        {
            input = input with { CounterpartyId = await correspondents.CounterpartyOfCaseAsync(caseId, cancellationToken) ?? throw new NotFoundException($"Case {caseId} does not exist.") };
        }

        if (input.CounterpartyId is { } company)
        {
            target = new MailFilingTarget(company, input.PersonId, input.CaseId);
            if (user is null)
            {
                await correspondents.RequireExistsAsync(target, cancellationToken);
            }
            else
            {
                await correspondents.RequireVisibleAsync(target, user, cancellationToken);
            }
        }

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(account.DisplayName ?? account.Name, account.Address));
        message.To.AddRange(to);
        message.Cc.AddRange(cc);
        message.Subject = input.Subject!.Trim();
        message.Date = clock.GetUtcNow();
        var domain = account.Address[(account.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        message.MessageId = messageId ?? MimeUtils.GenerateMessageId(domain);
        if (input.ReplyToMailId is { } replyTo)
        {
            var earlier = await db.MailMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == replyTo, cancellationToken);
            var earlierAccount = earlier is null ? null : await db.MailAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == earlier.AccountId, cancellationToken);
            var seesEarlier = earlierAccount is not null && (user is null ? earlierAccount.Id == account.Id : MailAccounts.MayUse(earlierAccount, user));
            if (earlier?.MessageIdHeader is { } parent && seesEarlier && (earlier.CounterpartyId is null || earlier.CounterpartyId == target?.CounterpartyId))
            {
                message.InReplyTo = parent;
                foreach (var reference in (earlier.References ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Append(parent).Distinct().TakeLast(20))
                {
                    message.References.Add(reference);
                }
            }
        }

        var body = new BodyBuilder { TextBody = input.Body ?? "" };
        var mail = new MailMessage
        {
            AccountId = account.Id, Direction = "out", State = MailState.Queued, MessageKey = message.MessageId, MessageIdHeader = message.MessageId, ContentHash = "",
            InReplyTo = message.InReplyTo, References = MailFiling.Clip(string.Join(' ', message.References), 8000), Subject = MailFiling.Clip(message.Subject, 1000)!,
            From = message.From.ToString(), To = MailFiling.Clip(message.To.ToString(), 4000)!, Cc = MailFiling.Clip(cc.Count == 0 ? null : message.Cc.ToString(), 4000),
            Date = message.Date, Preview = MailFiling.Clip(input.Body, 2000), CreatedAt = clock.GetUtcNow(), HandledBy = MailFiling.Clip(sender, 100), NextAttemptAt = clock.GetUtcNow(),
        };
        foreach (var documentId in documentIds)
        {
            var bytes = await documents.ReadForSendingAsync(documentId, user!, from, "mail:" + message.MessageId, cancellationToken);
            if (mail.Attachments.Sum(a => a.Size) + bytes.Content.Length > MaxAttachmentBytes)
            {
                throw ValidationFailedException.For("documentIds", $"Attachments of at most {MaxAttachmentBytes / 1024 / 1024} MB in all: mail servers refuse bigger messages.");
            }

            body.Attachments.Add(bytes.FileName, bytes.Content, ContentType.Parse(bytes.ContentType));
            mail.Attachments.Add(new MailAttachment { DocumentId = documentId, FileName = MailFiling.Clip(bytes.FileName, 500)!, Size = bytes.Content.Length });
        }

        message.Body = body.ToMessageBody();
        using var raw = new MemoryStream();
        await message.WriteToAsync(raw, cancellationToken);
        var eml = raw.ToArray();
        mail.ContentHash = MailFiling.HashOf(eml);
        var stored = await documents.StoreAsync(MailFiling.FileNameOf(message.Subject, ".eml"), new MemoryStream(eml, writable: false), cancellationToken);
        // With attachments the .eml carries their bytes: only the sender (and admins) may read it, as they were the one allowed to download them.
        mail.EmlDocumentId = documents.Add(account.DocumentFolderId, message.Subject, stored, MailFiling.Clip(sender, 100)!, from, documentIds.Count > 0 ? user!.UserName : null);
        if (target is not null)
        {
            mail.CounterpartyId = target.CounterpartyId;
            mail.PersonId = target.PersonId;
            mail.CaseId = target.CaseId;
            mail.MatchedBy = "staff";
        }

        db.MailMessages.Add(mail);
        return new QueuedMail(mail.Id, message.MessageId, mail.State);
    }

    /// <summary>Sends what is due (queued, or claimed by an attempt that did not finish in time). Returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.MailMessages.AsNoTracking()
            .Where(m => m.Direction == "out" && (m.State == MailState.Queued || m.State == MailState.Sending) && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(50).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var id in due)
        {
            sent += await SendOneAsync(id, cancellationToken) ? 1 : 0;
        }

        return sent;
    }

    private async Task<bool> SendOneAsync(Guid id, CancellationToken cancellationToken)
    {
        // Claim: only one pass (on any node) moves the row to Sending with a fresh deadline.
        var now = clock.GetUtcNow();
        var claimUntil = now + options.Value.SendClaim;
        if (await db.MailMessages.Where(m => m.Id == id && (m.State == MailState.Queued || m.State == MailState.Sending) && m.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MailState.Sending).SetProperty(m => m.NextAttemptAt, claimUntil)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.Revision, m => m.Revision + 1), cancellationToken) != 1)
        {
            return false;
        }

        var mail = await db.MailMessages.Include(m => m.Attachments).SingleAsync(m => m.Id == id, cancellationToken);
        var account = await db.MailAccounts.AsNoTracking().SingleAsync(a => a.Id == mail.AccountId, cancellationToken);
        if (account.Archived || account.SmtpHost is null)
        {
            mail.State = MailState.Failed;
            mail.LastError = "The account was archived or has no SMTP server any more.";
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }

        // A big message may take longer than the claim: stretch it by the size (1 s per 100 KB), so nobody takes it over mid-transfer.
        var size = mail.Attachments.Sum(a => a.Size);
        if (size > 10 * 1024 * 1024)
        {
            mail.NextAttemptAt = clock.GetUtcNow() + options.Value.SendClaim + TimeSpan.FromSeconds(size / (100 * 1024));
            await db.SaveChangesAsync(cancellationToken);
        }

        try
        {
            var message = await MimeMessage.LoadAsync(new MemoryStream(await documents.ReadOwnAsync(mail.EmlDocumentId!.Value, cancellationToken)), cancellationToken);
            using (var smtp = await accounts.ConnectSmtpAsync(account, cancellationToken))
            {
                await smtp.SendAsync(message, cancellationToken);
                await smtp.DisconnectAsync(true, cancellationToken);
            }

            // Accepted by the server: record it at once (the window in which a crash would send it again is this commit).
            mail.State = MailState.Sent;
            mail.SentAt = clock.GetUtcNow();
            mail.LastError = null;
            if (mail.CounterpartyId is { } company)
            {
                await filing.FileAsync(mail, new MailFilingTarget(company, mail.PersonId, mail.CaseId), "staff", mail.HandledBy ?? account.CreatedBy, cancellationToken);
            }

            await db.SaveChangesAsync(CancellationToken.None);
            await CopyToSentAsync(account, message, cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another pass took the mail over (our claim ran out): it is theirs now; the rest of the batch goes on.
            logger.LogWarning("Mail {Mail} was taken over by another pass while this one sent it", id);
            db.ChangeTracker.Clear();
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not DbUpdateException)
        {
            var failed = mail.Attempts >= options.Value.MaxSendAttempts || ex is MailKit.Net.Smtp.SmtpCommandException { ErrorCode: MailKit.Net.Smtp.SmtpErrorCode.RecipientNotAccepted };
            mail.State = failed ? MailState.Failed : MailState.Queued;
            mail.NextAttemptAt = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, mail.Attempts)));
            mail.LastError = MailFiling.Clip(ex.Message, 2000);
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogWarning(ex, "Sending mail {Mail} failed (attempt {Attempt}){Final}", id, mail.Attempts, failed ? "; giving up" : "");
            return false;
        }
    }

    /// <summary>A copy in the account's Sent folder, so the mailbox shows what the product sent (best effort).</summary>
    private async Task CopyToSentAsync(MailAccount account, MimeMessage message, CancellationToken cancellationToken)
    {
        if (account.ImapHost is null)
        {
            return;
        }

        try
        {
            using var imap = await accounts.ConnectImapAsync(account, cancellationToken);
            var sent = imap.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.SpecialUse) ? imap.GetFolder(SpecialFolder.Sent) : null;
            sent ??= await imap.GetFolderAsync("Sent", cancellationToken);
            await sent.AppendAsync(message, MessageFlags.Seen, cancellationToken);
            await imap.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogInformation("No copy of mail {MessageId} in the Sent folder of {Account}: {Reason}", message.MessageId, account.Name, ex.Message);
        }
    }

    private static List<MailboxAddress> Addresses(string? text, string field, Dictionary<string, string[]> errors, bool required)
    {
        var list = new List<MailboxAddress>();
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors[field] = ["Give at least one recipient."];
            return list;
        }

        if (!InternetAddressList.TryParse(text, out var parsed) || parsed.Mailboxes.Any(m => !m.Address.Contains('@', StringComparison.Ordinal)))
        {
            errors[field] = ["Give addresses separated by commas, e.g. jan@example.com, Anna <anna@example.com>."];
            return list;
        }

        list.AddRange(parsed.Mailboxes);
        if (list.Count > 50) errors[field] = ["At most 50 recipients."];
        return list;
    }
}
