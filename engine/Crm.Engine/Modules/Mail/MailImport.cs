using Crm.Platform.Persistence;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Crm.Modules.Mail;

/// <summary>What one import run did.</summary>
public sealed record ImportRun(int Imported, int Duplicates, int Unassigned, bool Skipped, string? Error, int SkippedMessages = 0);

/// <summary>
/// One import run of one account: claims the account (a lease, so two nodes never read one mailbox at once), reads the
/// messages after the last UID filed, files each in its own commit together with the new resume point, then moves it to
/// the account's folder. A run that fails resumes after the last mail it committed; a mail filed before (a re-run after
/// a failed move, a second node, the same mail in two mailboxes) is recognised by its Message-ID or content hash.
/// </summary>
public sealed class MailImport(CrmDbContext db, MailAccounts accounts, MailFiling filing, TimeProvider clock, ILogger<MailImport> logger, IEnumerable<IBounceHandler> bounceHandlers)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>At most this many mails per run, so one huge mailbox does not hold the lease for hours.</summary>
    public int BatchSize { get; set; } = 2000;

    public async Task<ImportRun> RunAsync(Guid accountId, CancellationToken cancellationToken)
    {
        if (!await ClaimAsync(accountId, cancellationToken))
        {
            return new ImportRun(0, 0, 0, true, null);
        }

        int imported = 0, duplicates = 0, unassigned = 0, failures = 0;
        string? skippedNote = null;
        string? error = null;
        try
        {
            var account = await db.MailAccounts.SingleAsync(a => a.Id == accountId, cancellationToken);
            using var imap = await accounts.ConnectImapAsync(account, cancellationToken);
            var folder = await imap.GetFolderAsync(account.ImportFolder, cancellationToken);
            await folder.OpenAsync(account.MoveToFolder is null ? FolderAccess.ReadOnly : FolderAccess.ReadWrite, cancellationToken);
            if (folder.UidValidity != account.UidValidity)
            {
                // A new or rebuilt mailbox: its UIDs start again. Mail filed before is recognised by its Message-ID.
                (account.UidValidity, account.LastUid) = (folder.UidValidity, 0);
                await db.SaveChangesAsync(cancellationToken);
            }

            IMailFolder? target = account.MoveToFolder is null ? null : await TargetFolderAsync(imap, account.MoveToFolder, cancellationToken);
            var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, (uint)Math.Min(uint.MaxValue - 1, account.LastUid + 1)), UniqueId.MaxValue)), cancellationToken))
                .Where(u => u.Id > account.LastUid).OrderBy(u => u.Id).Take(BatchSize).ToList();
            foreach (var uid in uids)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!await RenewAsync(accountId, cancellationToken))
                {
                    break;   // the lease ran out and another node took the account over: it goes on from our last commit
                }

                MailMessage? filed;
                try
                {
                    filed = await FileOneAsync(folder, uid, accountId, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One odd message must not stop the mailbox for good: it is tried on three runs, then skipped
                    // (left where it is on the server) and named in the account's last error.
                    db.ChangeTracker.Clear();
                    var skipped = await RecordFailureAsync(accountId, uid.Id, ex, cancellationToken);
                    logger.LogWarning(ex, "Mail {Uid} of account {Account} could not be filed{Skipped}", uid.Id, accountId, skipped ? "; skipped after three runs" : "; tried again next run");
                    if (skipped)
                    {
                        failures++;
                        skippedNote = $"UID {uid.Id} skipped after three attempts (left in the mailbox): {ex.Message}";
                        continue;
                    }

                    throw;
                }

                if (filed is null)
                {
                    duplicates++;
                }
                else
                {
                    imported++;
                    unassigned += filed.State == MailState.Unassigned ? 1 : 0;
                }

                if (target is not null)
                {
                    await folder.MoveToAsync(uid, target, cancellationToken);   // after the commit: a failed move only makes the next run skip it as known
                }
            }

            await imap.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
            logger.LogWarning(ex, "Mail import of account {Account} stopped; the next run resumes after the last mail filed", accountId);
        }
        finally
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow();
            await db.MailAccounts.Where(a => a.Id == accountId && a.LeasedBy == Node).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.LeasedBy, (string?)null).SetProperty(a => a.LeaseUntil, (DateTimeOffset?)null).SetProperty(a => a.LastRunAt, now)
                .SetProperty(a => a.LastRunImported, imported).SetProperty(a => a.LastError, MailFiling.Clip(error ?? skippedNote, 2000)), CancellationToken.None);
        }

        return new ImportRun(imported, duplicates, unassigned, false, error, failures);
    }

    /// <summary>Files one message with the new resume point in one commit; null when it was known (filed before).</summary>
    private async Task<MailMessage?> FileOneAsync(IMailFolder folder, UniqueId uid, Guid accountId, CancellationToken cancellationToken)
    {
        byte[] raw;
        await using (var stream = await folder.GetStreamAsync(uid, "", cancellationToken))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken);
            raw = buffer.ToArray();
        }

        var message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), cancellationToken);
        var hash = MailFiling.HashOf(raw);
        var key = MailFiling.KeyOf(message, hash);
        db.ChangeTracker.Clear();   // a long run must not drag every filed mail along in the change tracker
        var account = await db.MailAccounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        var known = await db.MailMessages.AsNoTracking().Where(m => m.Direction == "in" && m.MessageKey == key).Select(m => new { m.AccountId, m.ContentHash }).FirstOrDefaultAsync(cancellationToken);
        if (known is not null && known.AccountId == accountId && known.ContentHash != hash && await db.MailMessages.CountAsync(m => m.Direction == "in" && m.AccountId == accountId && m.ContentHash == hash, cancellationToken) == 0)
        {
            // Another mail in the same mailbox with the same Message-ID (a sender that reuses ids): a mail of its own.
            key = MailFiling.Clip($"{key}#{hash[..16]}", 1000)!;
            known = await db.MailMessages.AsNoTracking().Where(m => m.Direction == "in" && m.MessageKey == key).Select(m => new { m.AccountId, m.ContentHash }).FirstOrDefaultAsync(cancellationToken);
        }

        MailMessage? mail = null;
        if (known is null)
        {
            mail = await filing.AddIncomingAsync(account, message, raw, uid.Id, cancellationToken, key);
            foreach (var handler in bounceHandlers)
            {
                if (await handler.HandleAsync(message, accountId, cancellationToken))
                {
                    // A delivery report someone's module understood (a mailing's bounce): kept, but nobody needs to assign it.
                    (mail.State, mail.HandledBy, mail.MatchedBy) = (MailState.Dismissed, "bounce", "bounce");
                    break;
                }
            }
        }

        account.LastUid = uid.Id;
        (account.FailingUid, account.FailingAttempts) = (null, 0);
        if (mail is not null && !await SaveOrDuplicateAsync(key, cancellationToken))
        {
            mail = null;   // another run filed it a moment ago: only the resume point moves on
            account = await db.MailAccounts.SingleAsync(a => a.Id == accountId, cancellationToken);
            account.LastUid = Math.Max(account.LastUid, uid.Id);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (mail is null)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return mail;
    }

    /// <summary>Counts a failed attempt at one message; true (and the resume point moved past it) on the third.</summary>
    private async Task<bool> RecordFailureAsync(Guid accountId, long uid, Exception ex, CancellationToken cancellationToken)
    {
        var account = await db.MailAccounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        account.FailingAttempts = account.FailingUid == uid ? account.FailingAttempts + 1 : 1;
        account.FailingUid = uid;
        var skip = account.FailingAttempts >= 3;
        if (skip)
        {
            account.LastUid = Math.Max(account.LastUid, uid);
            (account.FailingUid, account.FailingAttempts) = (null, 0);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return skip;
    }

    /// <summary>Extends this node's lease; false when it is no longer ours.</summary>
    private async Task<bool> RenewAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + Lease;
        return await db.MailAccounts.Where(a => a.Id == accountId && a.LeasedBy == Node).ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseUntil, until), cancellationToken) == 1;
    }

    /// <summary>Commits the filed mail; false when another run filed the same mail first (the unique key said so).</summary>
    private async Task<bool> SaveOrDuplicateAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.MailMessages.AnyAsync(m => m.Direction == "in" && m.MessageKey == key, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    private async Task<bool> ClaimAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + Lease;
        return await db.MailAccounts.Where(a => a.Id == accountId && !a.Archived && a.ImapHost != null && (a.LeaseUntil == null || a.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeasedBy, Node).SetProperty(a => a.LeaseUntil, until), cancellationToken) == 1;
    }

    private static async Task<IMailFolder> TargetFolderAsync(MailKit.Net.Imap.ImapClient imap, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await imap.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            var root = imap.GetFolder(imap.PersonalNamespaces[0]);
            return await root.CreateAsync(name, true, cancellationToken) ?? throw new InvalidOperationException($"The folder {name} could not be made.");
        }
    }
}
