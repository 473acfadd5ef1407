using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Mail;

public sealed record MailListItem(Guid Id, Guid AccountId, string Account, string Direction, MailState State, DateTimeOffset Date, string From, string To, string Subject,
    int Attachments, Guid? CounterpartyId, string? Counterparty, string? MatchedBy, string? LastError);

public sealed record MailAttachmentView(Guid DocumentId, string FileName, long Size, bool Readable);

public sealed record MailView(Guid Id, Guid AccountId, string Account, string Direction, MailState State, DateTimeOffset Date, string From, string To, string? Cc, string Subject,
    string? Preview, Guid? EmlDocumentId, IReadOnlyList<MailAttachmentView> Attachments, Guid? CounterpartyId, string? Counterparty, Guid? PersonId, string? Person,
    Guid? CaseId, string? Case, string? MatchedBy, string? HandledBy, DateTimeOffset? SentAt, int Attempts, string? LastError);

public sealed record AssignMail(Guid CounterpartyId, Guid? PersonId, Guid? CaseId);

/// <summary>
/// Mail as staff see it: the unassigned-mail inbox of the accounts they use, the outbox and sent mail, one mail with its
/// documents; assigning an unmatched mail to a company (two clicks: pick the company, assign) and setting one aside.
/// A mail is shown to those who use its account, or who see the company it is filed on.
/// </summary>
public sealed class MailBook(CrmDbContext db, Correspondents correspondents, RecordDocuments documents, MailFiling filing, CurrentUserAccounts usable)
{
    public async Task<List<MailListItem>> ListAsync(string? show, Guid? accountId, CurrentUser user, CancellationToken cancellationToken)
    {
        var mine = await usable.IdsAsync(user, cancellationToken);
        var query = db.MailMessages.AsNoTracking().Where(m => mine.Contains(m.AccountId));
        query = show switch
        {
            "unassigned" or null => query.Where(m => m.State == MailState.Unassigned),
            "outbox" => query.Where(m => m.State == MailState.Queued || m.State == MailState.Sending || m.State == MailState.Failed),
            "sent" => query.Where(m => m.State == MailState.Sent),
            "filed" => query.Where(m => m.State == MailState.Filed),
            "dismissed" => query.Where(m => m.State == MailState.Dismissed),
            _ => throw ValidationFailedException.For("show", "Use unassigned, filed, outbox, sent or dismissed."),
        };
        if (accountId is { } account)
        {
            query = query.Where(m => m.AccountId == account);
        }

        var rows = await query.OrderByDescending(m => m.Date).Take(200)
            .Select(m => new { m.Id, m.AccountId, m.Direction, m.State, m.Date, m.From, m.To, m.Subject, Attachments = m.Attachments.Count, m.CounterpartyId, m.MatchedBy, m.LastError })
            .ToListAsync(cancellationToken);
        var names = await AccountNamesAsync(cancellationToken);
        var visible = await correspondents.VisibleOfAsync([.. rows.Where(r => r.CounterpartyId is not null).Select(r => r.CounterpartyId!.Value).Distinct()], user, cancellationToken);
        var companies = await correspondents.NamesAsync([.. visible], cancellationToken);
        return [.. rows.Select(r => new MailListItem(r.Id, r.AccountId, names.GetValueOrDefault(r.AccountId, "?"), r.Direction, r.State, r.Date, r.From, r.To, r.Subject, r.Attachments,
            r.CounterpartyId is { } c && visible.Contains(c) ? c : null, r.CounterpartyId is { } d ? companies.GetValueOrDefault(d) : null, r.MatchedBy, r.LastError))];
    }

    public async Task<MailView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mail = await RequireAsync(id, user, cancellationToken);
        var visible = mail.CounterpartyId is { } c && (await correspondents.VisibleOfAsync([c], user, cancellationToken)).Count == 1;
        var names = visible ? await correspondents.NamesAsync([.. new[] { mail.CounterpartyId, mail.PersonId, mail.CaseId }.OfType<Guid>()], cancellationToken) : [];
        var readable = await documents.ReadableTitlesAsync([.. mail.Attachments.Select(a => a.DocumentId), .. mail.EmlDocumentId is { } e ? new[] { e } : []], user, cancellationToken);
        var account = (await AccountNamesAsync(cancellationToken)).GetValueOrDefault(mail.AccountId, "?");
        // Someone who sees the company but not the mailbox sees that the mail exists, not its text or files,
        // unless they may read its .eml anyway.
        var full = (await usable.IdsAsync(user, cancellationToken)).Contains(mail.AccountId) || (mail.EmlDocumentId is { } own && readable.ContainsKey(own));
        return new MailView(mail.Id, mail.AccountId, account, mail.Direction, mail.State, mail.Date, mail.From, mail.To, mail.Cc, mail.Subject, full ? mail.Preview : null,
            mail.EmlDocumentId is { } eml && readable.ContainsKey(eml) ? eml : null,
            full ? [.. mail.Attachments.Select(a => new MailAttachmentView(a.DocumentId, a.FileName, a.Size, readable.ContainsKey(a.DocumentId)))] : [],
            visible ? mail.CounterpartyId : null, visible ? names.GetValueOrDefault(mail.CounterpartyId!.Value) : null,
            visible ? mail.PersonId : null, visible && mail.PersonId is { } p ? names.GetValueOrDefault(p) : null,
            visible ? mail.CaseId : null, visible && mail.CaseId is { } k ? names.GetValueOrDefault(k) : null,
            mail.MatchedBy, mail.HandledBy, mail.SentAt, mail.Attempts, mail.LastError);
    }

    /// <summary>Files an unassigned mail on a company the user sees (and a person and case of it); a second assignment at once gets a conflict.</summary>
    public async Task<MailView> AssignAsync(Guid id, AssignMail input, CurrentUser user, CancellationToken cancellationToken)
    {
        var mail = await RequireAsync(id, user, cancellationToken, tracking: true);
        if (mail.State != MailState.Unassigned)
        {
            throw new ConflictException("This mail was assigned or set aside already; reload the inbox.");
        }

        var target = new MailFilingTarget(input.CounterpartyId, input.PersonId, input.CaseId);
        await correspondents.RequireVisibleAsync(target, user, cancellationToken);
        await filing.FileAsync(mail, target, "staff", user.UserName, cancellationToken);
        mail.HandledBy = user.UserName;
        mail.Revision++;
        await SaveOrConflictAsync(cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    /// <summary>Sets an unassigned mail aside (spam, a newsletter); it stays in the DMS folder of its account.</summary>
    public async Task DismissAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mail = await RequireAsync(id, user, cancellationToken, tracking: true);
        if (mail.State != MailState.Unassigned)
        {
            throw new ConflictException("Only unassigned mail can be set aside.");
        }

        mail.State = MailState.Dismissed;
        mail.HandledBy = user.UserName;
        mail.Revision++;
        await SaveOrConflictAsync(cancellationToken);
    }

    /// <summary>Sends a failed mail again (anyone who uses its account).</summary>
    public async Task RetryAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mail = await RequireAsync(id, user, cancellationToken, tracking: true);
        if (mail.State != MailState.Failed)
        {
            throw new ConflictException("Only a mail that failed can be sent again.");
        }

        mail.State = MailState.Queued;
        mail.NextAttemptAt = DateTimeOffset.UtcNow;
        mail.Attempts = 0;
        mail.Revision++;
        await SaveOrConflictAsync(cancellationToken);
    }

    private async Task SaveOrConflictAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone else handled this mail at the same moment; reload the inbox.");
        }
    }

    /// <summary>The mail, when the user uses its account or sees the company it is filed on; 404 otherwise.</summary>
    private async Task<MailMessage> RequireAsync(Guid id, CurrentUser user, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = tracking ? db.MailMessages : db.MailMessages.AsNoTracking();
        var mail = await query.Include(m => m.Attachments).SingleOrDefaultAsync(m => m.Id == id, cancellationToken) ?? throw new NotFoundException($"Mail {id} does not exist.");
        var mine = await usable.IdsAsync(user, cancellationToken);
        if (mine.Contains(mail.AccountId))
        {
            return mail;
        }

        if (!tracking && mail.CounterpartyId is { } c && (await correspondents.VisibleOfAsync([c], user, cancellationToken)).Count == 1)
        {
            return mail;
        }

        throw new NotFoundException($"Mail {id} does not exist.");
    }

    private async Task<Dictionary<Guid, string>> AccountNamesAsync(CancellationToken cancellationToken) =>
        await db.MailAccounts.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
}

/// <summary>The ids of the accounts a user uses (owner, group member; admins all).</summary>
public sealed class CurrentUserAccounts(CrmDbContext db)
{
    public async Task<List<Guid>> IdsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var all = await db.MailAccounts.AsNoTracking().Where(a => !a.Archived).ToListAsync(cancellationToken);
        return [.. all.Where(a => MailAccounts.MayUse(a, user)).Select(a => a.Id)];
    }
}
