using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Mail;

/// <summary>
/// Mail in the audit trail: accounts set up, changed (which settings, never the password's value) and archived;
/// a mail filed by staff, set aside, queued and sent. Import bookkeeping (resume point, lease) is not audited.
/// </summary>
internal sealed class MailAuditRule : IAuditRule
{
    private static readonly HashSet<string> Settings = new(StringComparer.Ordinal)
    {
        "Name", "Address", "DisplayName", "Owner", "Group", "ImapHost", "ImapPort", "ImapSecurity", "SmtpHost", "SmtpPort", "SmtpSecurity", "UserName",
        "ProtectedSecret", "ImportFolder", "MoveToFolder", "ImportEnabled", "Archived",
    };

    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        MailAccount a when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or(a.CreatedBy), "mail.account-created", "mail-account", a.Id.ToString(), now, null, new { a.Name, a.Address, a.Owner, a.Group, a.ImapHost, a.SmtpHost }),
        MailAccount a when entry.State == EntityState.Modified => AccountChanged(entry, a, now),
        MailMessage m when entry.State == EntityState.Added && m.Direction == "out" =>
            Audited.Row(AuditActor.Or(m.HandledBy ?? "system"), "mail.queued", "mail", m.Id.ToString(), now, null, new { m.To, m.Subject, m.CounterpartyId, attachments = m.Attachments.Count }),
        MailMessage m when entry.State == EntityState.Modified && entry.Property(nameof(MailMessage.State)).IsModified
            && !Equals(entry.Property(nameof(MailMessage.State)).OriginalValue, m.State) && m.State is MailState.Filed or MailState.Dismissed or MailState.Sent or MailState.Failed =>
            Audited.Row(AuditActor.Or(m.HandledBy ?? "system"), "mail." + m.State.ToString().ToLowerInvariant(), "mail", m.Id.ToString(), now, null, new { m.Subject, m.CounterpartyId, m.MatchedBy }),
        _ => null,
    };

    private static AuditEntry? AccountChanged(EntityEntry entry, MailAccount account, DateTimeOffset now)
    {
        var changed = entry.Properties.Where(p => p.IsModified && Settings.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue)).Select(p => p.Metadata.Name == "ProtectedSecret" ? "Password" : p.Metadata.Name).ToList();
        return changed.Count == 0 ? null
            : Audited.Row(AuditActor.Or("system"), account.Archived ? "mail.account-archived" : "mail.account-changed", "mail-account", account.Id.ToString(), now, null, new { account.Name, changed });
    }
}
