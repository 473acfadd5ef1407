using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Marketing.Consents;

/// <summary>What a consent is for. Sending checks the purpose it needs (a mailing: marketing e-mail).</summary>
public static class ConsentPurposes
{
    public const string MarketingEmail = "marketing-email";
    public const string Phone = "phone";
    public const string Profiling = "profiling";
    public const string Survey = "survey";

    public static readonly IReadOnlyList<string> All = [MarketingEmail, Phone, Profiling, Survey];
}

/// <summary>
/// One consent given or withdrawn: an append-only ledger row (never changed, never deleted) with what it was for, how
/// it came (channel, source), its evidence (a form, an unsubscribe link, a scan as a document) and the wording shown.
/// The latest row per person and purpose is what holds now.
/// </summary>
public sealed class ConsentRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PersonId { get; set; }
    /// <summary>The address the consent concerned (an unsubscribe names it), kept as it was then.</summary>
    public string? Email { get; set; }
    public required string Purpose { get; set; }
    public bool Given { get; set; }
    /// <summary>form, e-mail, phone, paper, unsubscribe-link, person-card, import.</summary>
    public required string Channel { get; set; }
    public string? Source { get; set; }
    public string? Evidence { get; set; }
    public Guid? EvidenceDocumentId { get; set; }
    /// <summary>Which version of the consent text the person saw (e.g. "marketing-2026-01").</summary>
    public string? WordingVersion { get; set; }
    /// <summary>The mailing whose unsubscribe link recorded it.</summary>
    public Guid? MailingId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string RecordedBy { get; set; }
}

/// <summary>An address that cannot receive mail (a hard bounce): mailings skip it until someone clears it.</summary>
public sealed class InvalidAddress
{
    public required string Email { get; set; }
    public required string Reason { get; set; }
    public Guid? MailingId { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<ConsentRecord>, IEntityTypeConfiguration<InvalidAddress>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> builder)
    {
        builder.ToTable("consent_records");
        builder.Property(c => c.Email).HasMaxLength(320);
        builder.Property(c => c.Purpose).HasMaxLength(40);
        builder.Property(c => c.Channel).HasMaxLength(40);
        builder.Property(c => c.Source).HasMaxLength(500);
        builder.Property(c => c.Evidence).HasMaxLength(4000);
        builder.Property(c => c.WordingVersion).HasMaxLength(100);
        builder.Property(c => c.RecordedBy).HasMaxLength(100);
        builder.HasIndex(c => new { c.PersonId, c.Purpose, c.At });
    }

    public void Configure(EntityTypeBuilder<InvalidAddress> builder)
    {
        builder.ToTable("invalid_addresses");
        builder.HasKey(a => a.Email);
        builder.Property(a => a.Email).HasMaxLength(320);
        builder.Property(a => a.Reason).HasMaxLength(1000);
    }
}
