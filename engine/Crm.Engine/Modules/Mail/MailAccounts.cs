using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Crm.Modules.Mail;

public sealed record MailAccountInput(string? Name, string? Address, string? DisplayName, string? Owner, string? Group, string? ImapHost, int? ImapPort, string? ImapSecurity,
    string? SmtpHost, int? SmtpPort, string? SmtpSecurity, string? UserName, string? Password, string? ImportFolder, string? MoveToFolder, bool ImportEnabled);

/// <summary>An account as admins and users see it: never the password, only whether one is set.</summary>
public sealed record MailAccountView(Guid Id, string Name, string Address, string? DisplayName, string? Owner, string? Group, string? ImapHost, int ImapPort, string ImapSecurity,
    string? SmtpHost, int SmtpPort, string SmtpSecurity, string UserName, bool HasPassword, string ImportFolder, string? MoveToFolder, bool ImportEnabled,
    DateTimeOffset? LastRunAt, int LastRunImported, string? LastError, Guid DocumentFolderId);

/// <summary>An account a user may send from.</summary>
[ModuleContract]
public sealed record SenderChoice(Guid Id, string Name, string Address, bool Shared);

public sealed record ConnectionCheck(bool ImapOk, string? ImapMessage, bool SmtpOk, string? SmtpMessage);

/// <summary>
/// Mail accounts (admins): shared mailboxes for a group and personal ones for a user, the password encrypted with the
/// data-protection keys. Each account gets a DMS folder for its mail, readable by those who use the account.
/// </summary>
[ModuleContract]
public sealed class MailAccounts(CrmDbContext db, IDataProtectionProvider protection, RecordFolders folders, TimeProvider clock)
{
    public const string TopFolder = "Mail";
    private static readonly string[] SecurityModes = ["Auto", "None", "StartTls", "SslOnConnect"];

    private IDataProtector Protector => protection.CreateProtector("Crm.Mail.AccountSecret");

    public async Task<List<MailAccountView>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        return [.. (await db.MailAccounts.AsNoTracking().Where(a => !a.Archived).OrderBy(a => a.Name).ToListAsync(cancellationToken)).Select(View)];
    }

    public async Task<MailAccountView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        return View(await FindAsync(id, cancellationToken));
    }

    /// <summary>The accounts this user may send from and whose unassigned mail they handle.</summary>
    public async Task<List<SenderChoice>> UsableAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var accounts = await db.MailAccounts.AsNoTracking().Where(a => !a.Archived).OrderBy(a => a.Name).ToListAsync(cancellationToken);
        return [.. accounts.Where(a => MayUse(a, user)).Select(a => new SenderChoice(a.Id, a.Name, a.Address, a.Owner is null))];
    }

    public static bool MayUse(MailAccount account, CurrentUser user) =>
        account.Owner is { } owner ? owner == user.UserName : user.IsAdmin || (account.Group is { } group && user.Groups.Contains(group));

    public async Task<MailAccountView> CreateAsync(MailAccountInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        await ValidateAsync(input, null, cancellationToken);
        var account = new MailAccount
        {
            Name = input.Name!.Trim(), Address = input.Address!.Trim(), UserName = (input.UserName ?? input.Address)!.Trim(), CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        Apply(account, input);
        account.DocumentFolderId = await folders.CreateAsync(TopFolder, account.Name, Grants(account), user.UserName, cancellationToken);
        db.MailAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("Another account with this name was added a moment ago.");   // the unique name index
        }

        return View(account);
    }

    public async Task<MailAccountView> UpdateAsync(Guid id, MailAccountInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var account = await FindAsync(id, cancellationToken);
        await ValidateAsync(input, id, cancellationToken);
        var folderMoved = account.ImportFolder != (input.ImportFolder ?? "INBOX").Trim() || !string.Equals(account.ImapHost, input.ImapHost?.Trim(), StringComparison.OrdinalIgnoreCase);
        account.Name = input.Name!.Trim();
        account.Address = input.Address!.Trim();
        account.UserName = (input.UserName ?? input.Address)!.Trim();
        Apply(account, input);
        if (folderMoved)
        {
            (account.UidValidity, account.LastUid) = (0, 0);   // another mailbox: start from its beginning (nothing is filed twice)
        }

        await folders.SetGrantsAsync(account.DocumentFolderId, Grants(account), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return View(account);
    }

    /// <summary>Stops using an account; its mail and documents stay.</summary>
    public async Task ArchiveAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var account = await FindAsync(id, cancellationToken);
        account.Archived = true;
        account.ImportEnabled = false;
        account.Name = $"{account.Name} (archived {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss})"[..Math.Min(100, account.Name.Length + 31)];
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Logs in to both servers with the stored settings and says what each answered.</summary>
    public async Task<ConnectionCheck> CheckAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var account = await FindAsync(id, cancellationToken);
        string? imapMessage = null, smtpMessage = null;
        bool imapOk = false, smtpOk = false;
        if (account.ImapHost is null)
        {
            imapMessage = "No IMAP server set: nothing is imported.";
        }
        else
        {
            try
            {
                using var imap = await ConnectImapAsync(account, cancellationToken);
                var inbox = await imap.GetFolderAsync(account.ImportFolder, cancellationToken);
                await inbox.StatusAsync(MailKit.StatusItems.Count, cancellationToken);
                (imapOk, imapMessage) = (true, $"Signed in; {account.ImportFolder} holds {inbox.Count} message(s).");
                await imap.DisconnectAsync(true, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                imapMessage = ex.Message;
            }
        }

        if (account.SmtpHost is null)
        {
            smtpMessage = "No SMTP server set: nothing can be sent.";
        }
        else
        {
            try
            {
                using var smtp = await ConnectSmtpAsync(account, cancellationToken);
                (smtpOk, smtpMessage) = (true, "Connected" + (smtp.IsAuthenticated ? " and signed in." : "."));
                await smtp.DisconnectAsync(true, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                smtpMessage = ex.Message;
            }
        }

        return new ConnectionCheck(imapOk, imapMessage, smtpOk, smtpMessage);
    }

    internal async Task<ImapClient> ConnectImapAsync(MailAccount account, CancellationToken cancellationToken)
    {
        var imap = new ImapClient { Timeout = 60_000 };
        try
        {
            await imap.ConnectAsync(account.ImapHost ?? throw new InvalidOperationException("The account has no IMAP server."), account.ImapPort, Security(account.ImapSecurity), cancellationToken);
            await imap.AuthenticateAsync(account.UserName, Secret(account), cancellationToken);
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="user"/> may send from the account (another module's check before it sends in bulk).</summary>
    public async Task<bool> MayUseAsync(Guid accountId, CurrentUser user, CancellationToken cancellationToken) =>
        await db.MailAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId && !a.Archived, cancellationToken) is { } account
        && account.SmtpHost is not null && MayUse(account, user);

    /// <summary>The account's address (a mailing's Message-IDs use its domain).</summary>
    public async Task<string> AddressAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.MailAccounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Address).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("The mail account does not exist.");

    /// <summary>A signed-in SMTP connection of the account and its sender address, for another module that sends many messages on one connection (a mailing).</summary>
    public async Task<(SmtpClient Client, MailboxAddress From)> OpenSmtpAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var account = await db.MailAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId && !a.Archived, cancellationToken)
            ?? throw new NotFoundException("The mail account was archived.");
        return (await ConnectSmtpAsync(account, cancellationToken), new MailboxAddress(account.DisplayName ?? account.Name, account.Address));
    }

    internal async Task<SmtpClient> ConnectSmtpAsync(MailAccount account, CancellationToken cancellationToken)
    {
        var smtp = new SmtpClient { Timeout = 60_000 };
        try
        {
            await smtp.ConnectAsync(account.SmtpHost ?? throw new InvalidOperationException("The account has no SMTP server."), account.SmtpPort, Security(account.SmtpSecurity), cancellationToken);
            if (smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication) && account.ProtectedSecret is not null)
            {
                await smtp.AuthenticateAsync(account.UserName, Secret(account), cancellationToken);
            }

            return smtp;
        }
        catch
        {
            smtp.Dispose();
            throw;
        }
    }

    private string Secret(MailAccount account)
    {
        try
        {
            return account.ProtectedSecret is null ? "" : Protector.Unprotect(account.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException("The stored password cannot be read with this server's data-protection keys: nodes must share Crm:DataProtection:KeysPath, or an admin enters the password again.");
        }
    }

    private static SecureSocketOptions Security(string mode) => mode switch
    {
        "None" => SecureSocketOptions.None,
        "StartTls" => SecureSocketOptions.StartTls,
        "SslOnConnect" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private void Apply(MailAccount account, MailAccountInput input)
    {
        account.DisplayName = Trimmed(input.DisplayName);
        account.Owner = Trimmed(input.Owner);
        account.Group = account.Owner is null ? Trimmed(input.Group) : null;
        account.ImapHost = Trimmed(input.ImapHost);
        account.ImapPort = input.ImapPort ?? 993;
        account.ImapSecurity = input.ImapSecurity ?? "Auto";
        account.SmtpHost = Trimmed(input.SmtpHost);
        account.SmtpPort = input.SmtpPort ?? 587;
        account.SmtpSecurity = input.SmtpSecurity ?? "Auto";
        account.ImportFolder = Trimmed(input.ImportFolder) ?? "INBOX";
        account.MoveToFolder = Trimmed(input.MoveToFolder);
        account.ImportEnabled = input.ImportEnabled && account.ImapHost is not null;
        if (!string.IsNullOrEmpty(input.Password))
        {
            account.ProtectedSecret = Protector.Protect(input.Password);   // an empty password on edit keeps the stored one
        }
    }

    private async Task ValidateAsync(MailAccountInput input, Guid? id, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 60) errors["name"] = ["Give a name of at most 60 characters (e.g. Office)."];
        else if (await db.MailAccounts.AnyAsync(a => a.Name == input.Name.Trim() && a.Id != id, cancellationToken)) errors["name"] = ["Another account has this name."];
        if (!MimeKit.MailboxAddress.TryParse(input.Address ?? "", out var address) || address.Address != input.Address!.Trim() || !address.Address.Contains('@', StringComparison.Ordinal))
        {
            errors["address"] = ["Give the account's e-mail address, e.g. biuro@example.com."];
        }

        if (string.IsNullOrWhiteSpace(input.ImapHost) && string.IsNullOrWhiteSpace(input.SmtpHost)) errors["imapHost"] = ["Give an IMAP server, an SMTP server or both."];
        if (input.ImapPort is < 1 or > 65535) errors["imapPort"] = ["A port from 1 to 65535."];
        if (input.SmtpPort is < 1 or > 65535) errors["smtpPort"] = ["A port from 1 to 65535."];
        if (input.ImapSecurity is { } imap && !SecurityModes.Contains(imap)) errors["imapSecurity"] = [$"Use one of: {string.Join(", ", SecurityModes)}."];
        if (input.SmtpSecurity is { } smtp && !SecurityModes.Contains(smtp)) errors["smtpSecurity"] = [$"Use one of: {string.Join(", ", SecurityModes)}."];
        if (input.Password is { Length: > 500 }) errors["password"] = ["At most 500 characters."];
        if (Trimmed(input.Owner) is { } owner && !await db.Users.AnyAsync(u => u.UserName == owner && u.IsActive, cancellationToken)) errors["owner"] = [$"There is no active user '{owner}'."];
        if (Trimmed(input.Owner) is null)
        {
            if (Trimmed(input.Group) is not { } group) errors["group"] = ["A shared account needs the group that uses it; a personal one its owner."];
            else if (!await db.Groups.AnyAsync(g => g.Name == group, cancellationToken)) errors["group"] = [$"There is no group '{group}'."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    /// <summary>The account's DMS folder is for those who use the account (and admins, who see every folder).</summary>
    private static List<RecordFolderGrant> Grants(MailAccount account) =>
        account.Owner is { } owner ? [new RecordFolderGrant(owner, false, DocumentRights.Read | DocumentRights.Download)]
        : [new RecordFolderGrant(account.Group!, true, DocumentRights.Read | DocumentRights.Download)];

    private async Task<MailAccount> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.MailAccounts.SingleOrDefaultAsync(a => a.Id == id && !a.Archived, cancellationToken) ?? throw new NotFoundException($"Mail account {id} does not exist.");

    private static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Mail accounts are set up by administrators.");
        }
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static MailAccountView View(MailAccount a) => new(a.Id, a.Name, a.Address, a.DisplayName, a.Owner, a.Group, a.ImapHost, a.ImapPort, a.ImapSecurity, a.SmtpHost, a.SmtpPort,
        a.SmtpSecurity, a.UserName, a.ProtectedSecret is not null, a.ImportFolder, a.MoveToFolder, a.ImportEnabled, a.LastRunAt, a.LastRunImported, a.LastError, a.DocumentFolderId);
}
