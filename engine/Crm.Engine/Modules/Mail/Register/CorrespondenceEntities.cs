using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Mail.Register;

/// <summary>
/// One entry of the correspondence register (D9): an incoming or outgoing letter, numbered per direction and year
/// (KP/2026/000123 incoming, KW/2026/000045 outgoing), with its channel, company, person, our department, subject,
/// documents, the answer it got or answers, and a deadline for the answer.
/// </summary>
public sealed class CorrespondenceEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Number { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    /// <summary>"in" or "out".</summary>
    public required string Direction { get; set; }
    public DateOnly Date { get; set; }
    /// <summary>post, courier, email, epuap, in-person.</summary>
    public required string Channel { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>Our department: a group; its members see the entry.</summary>
    public required string Department { get; set; }
    public required string Subject { get; set; }
    /// <summary>Outgoing: the incoming letter it answers.</summary>
    public Guid? ReplyToId { get; set; }
    /// <summary>Incoming: the outgoing letter that answered it.</summary>
    public Guid? AnsweredById { get; set; }
    public DateOnly? AnswerDeadline { get; set; }
    public DateTimeOffset? DeadlineRemindedAt { get; set; }
    /// <summary>The mail it was registered from (one click from the mail page).</summary>
    public Guid? MailId { get; set; }
    public required string RegisteredBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; }
    public List<CorrespondenceDocument> Documents { get; set; } = [];
}

public sealed class CorrespondenceDocument
{
    public Guid EntryId { get; set; }
    public Guid DocumentId { get; set; }
}

/// <summary>The last number given per direction and year; raised in the registering commit (no gaps, no twins).</summary>
public sealed class CorrespondenceCounter
{
    public required string Direction { get; set; }
    public int Year { get; set; }
    public int Last { get; set; }
}

internal sealed class CorrespondenceConfiguration : IEntityTypeConfiguration<CorrespondenceEntry>, IEntityTypeConfiguration<CorrespondenceDocument>, IEntityTypeConfiguration<CorrespondenceCounter>
{
    public void Configure(EntityTypeBuilder<CorrespondenceEntry> builder)
    {
        builder.ToTable("correspondence");
        builder.Property(e => e.Number).HasMaxLength(100);
        builder.HasIndex(e => e.Number).IsUnique();
        builder.HasIndex(e => new { e.Direction, e.Year, e.Sequence }).IsUnique();
        builder.Property(e => e.Direction).HasMaxLength(3);
        builder.Property(e => e.Channel).HasMaxLength(20);
        builder.Property(e => e.Department).HasMaxLength(100);
        builder.Property(e => e.Subject).HasMaxLength(500);
        builder.Property(e => e.RegisteredBy).HasMaxLength(100);
        builder.Property(e => e.Revision).IsConcurrencyToken();
        builder.HasIndex(e => e.Date);
        builder.HasIndex(e => e.CounterpartyId);
        builder.HasIndex(e => e.MailId).IsUnique();   // a mail is registered once (null for letters: many)
        builder.HasMany(e => e.Documents).WithOne().HasForeignKey(d => d.EntryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CorrespondenceDocument> builder)
    {
        builder.ToTable("correspondence_documents");
        builder.HasKey(d => new { d.EntryId, d.DocumentId });
    }

    public void Configure(EntityTypeBuilder<CorrespondenceCounter> builder)
    {
        builder.ToTable("correspondence_counters");
        builder.HasKey(c => new { c.Direction, c.Year });
        builder.Property(c => c.Direction).HasMaxLength(3);
        builder.Property(c => c.Last).IsConcurrencyToken();
    }
}
