using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Mail;

/// <summary>
/// A mailbox the product reads (IMAP) and sends from (SMTP): shared (biuro@, reklamacje@: used by a group) or
/// personal (one user). The password is kept encrypted with the data-protection keys and never shown again.
/// </summary>
public sealed class MailAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Address { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>Personal account: the one user who reads and sends with it. Null: shared.</summary>
    public string? Owner { get; set; }
    /// <summary>Shared account: the group whose members use it.</summary>
    public string? Group { get; set; }
    public string? ImapHost { get; set; }
    public int ImapPort { get; set; } = 993;
    public string ImapSecurity { get; set; } = "Auto";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public string SmtpSecurity { get; set; } = "Auto";
    public required string UserName { get; set; }
    /// <summary>The password, protected with the data-protection keys.</summary>
    public string? ProtectedSecret { get; set; }
    public string ImportFolder { get; set; } = "INBOX";
    /// <summary>Where imported mail is moved on the server (null: left where it is).</summary>
    public string? MoveToFolder { get; set; }
    public bool ImportEnabled { get; set; }
    /// <summary>The DMS folder that keeps this account's .eml files and attachments.</summary>
    public Guid DocumentFolderId { get; set; }
    /// <summary>Resume point: the folder's UIDVALIDITY and the last UID filed.</summary>
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    /// <summary>A message that failed to file and how many runs it failed on: skipped after three.</summary>
    public long? FailingUid { get; set; }
    public int FailingAttempts { get; set; }
    /// <summary>A node's claim on the next import run (several nodes never read one mailbox at once).</summary>
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? LastRunAt { get; set; }
    public int LastRunImported { get; set; }
    public string? LastError { get; set; }
    public bool Archived { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

[Crm.Platform.Common.ModuleContract]
public enum MailState
{
    /// <summary>Imported and filed on a company (and maybe a person and a case).</summary>
    Filed = 0,
    /// <summary>Imported but not matched: waits in the unassigned-mail inbox.</summary>
    Unassigned = 1,
    /// <summary>Outgoing, waiting in the outbox.</summary>
    Queued = 2,
    /// <summary>Outgoing, handed to the SMTP server by an attempt not yet confirmed.</summary>
    Sending = 3,
    Sent = 4,
    /// <summary>Outgoing, gave up after the last attempt (the error says why).</summary>
    Failed = 5,
    /// <summary>Imported, set aside by staff (spam, newsletters).</summary>
    Dismissed = 6,
}

/// <summary>One e-mail, incoming or outgoing, stored once: its .eml is a DMS document, its attachments too.</summary>
public sealed class MailMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    /// <summary>"in" or "out".</summary>
    public required string Direction { get; set; }
    public MailState State { get; set; }
    /// <summary>Message-ID, or "sha256:…" of the message when it has none: unique, so a re-run or a second node files nothing twice.</summary>
    public required string MessageKey { get; set; }
    public required string ContentHash { get; set; }
    public string? MessageIdHeader { get; set; }
    public string? InReplyTo { get; set; }
    public string? References { get; set; }
    public required string Subject { get; set; }
    public required string From { get; set; }
    public required string To { get; set; }
    public string? Cc { get; set; }
    public DateTimeOffset Date { get; set; }
    /// <summary>The first part of the text, for lists and the activity.</summary>
    public string? Preview { get; set; }
    public Guid? EmlDocumentId { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public Guid? CaseId { get; set; }
    public Guid? ActivityId { get; set; }
    /// <summary>How the filing was found: person, domain, thread, case-number, staff.</summary>
    public string? MatchedBy { get; set; }
    public long? Uid { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Who composed it (out) or assigned it (in, from the unassigned inbox).</summary>
    public string? HandledBy { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public int Revision { get; set; }
    public List<MailAttachment> Attachments { get; set; } = [];
}

/// <summary>A DMS document carried by a mail (imported attachment or one sent from the DMS).</summary>
public sealed class MailAttachment
{
    public Guid MessageId { get; set; }
    public Guid DocumentId { get; set; }
    public required string FileName { get; set; }
    public long Size { get; set; }
}

internal sealed class MailConfiguration : IEntityTypeConfiguration<MailAccount>, IEntityTypeConfiguration<MailMessage>, IEntityTypeConfiguration<MailAttachment>
{
    public void Configure(EntityTypeBuilder<MailAccount> builder)
    {
        builder.ToTable("mail_accounts");
        builder.Property(a => a.Name).HasMaxLength(100);
        builder.HasIndex(a => a.Name).IsUnique();
        builder.Property(a => a.Address).HasMaxLength(320);
        builder.Property(a => a.DisplayName).HasMaxLength(200);
        builder.Property(a => a.Owner).HasMaxLength(100);
        builder.Property(a => a.Group).HasMaxLength(100);
        builder.Property(a => a.ImapHost).HasMaxLength(255);
        builder.Property(a => a.SmtpHost).HasMaxLength(255);
        builder.Property(a => a.ImapSecurity).HasMaxLength(20);
        builder.Property(a => a.SmtpSecurity).HasMaxLength(20);
        builder.Property(a => a.UserName).HasMaxLength(320);
        builder.Property(a => a.ProtectedSecret).HasMaxLength(4000);
        builder.Property(a => a.ImportFolder).HasMaxLength(200);
        builder.Property(a => a.MoveToFolder).HasMaxLength(200);
        builder.Property(a => a.LeasedBy).HasMaxLength(200);
        builder.Property(a => a.LastError).HasMaxLength(2000);
        builder.Property(a => a.CreatedBy).HasMaxLength(100);
    }

    public void Configure(EntityTypeBuilder<MailMessage> builder)
    {
        builder.ToTable("mail_messages");
        builder.Property(m => m.Direction).HasMaxLength(3);
        builder.Property(m => m.MessageKey).HasMaxLength(1000);
        builder.HasIndex(m => new { m.Direction, m.MessageKey }).IsUnique();
        builder.Property(m => m.ContentHash).HasMaxLength(64);
        builder.HasIndex(m => m.ContentHash);
        builder.Property(m => m.MessageIdHeader).HasMaxLength(1000);
        builder.HasIndex(m => m.MessageIdHeader);
        builder.Property(m => m.InReplyTo).HasMaxLength(1000);
        builder.Property(m => m.References).HasMaxLength(8000);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.From).HasMaxLength(1000);
        builder.Property(m => m.To).HasMaxLength(4000);
        builder.Property(m => m.Cc).HasMaxLength(4000);
        builder.Property(m => m.Preview).HasMaxLength(4000);
        builder.Property(m => m.MatchedBy).HasMaxLength(20);
        builder.Property(m => m.HandledBy).HasMaxLength(100);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.HasIndex(m => new { m.State, m.NextAttemptAt });
        builder.HasIndex(m => m.CounterpartyId);
        builder.HasIndex(m => m.CaseId);
        builder.HasIndex(m => m.AccountId);
        builder.HasOne<MailAccount>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<MailAttachment> builder)
    {
        builder.ToTable("mail_attachments");
        builder.HasKey(a => new { a.MessageId, a.DocumentId });
        builder.Property(a => a.FileName).HasMaxLength(500);
    }
}
