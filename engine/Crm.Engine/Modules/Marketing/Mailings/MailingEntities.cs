using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Marketing.Mailings;

[JsonConverter(typeof(JsonStringEnumConverter<MailingStatus>))]
public enum MailingStatus
{
    Draft = 0,
    Sending = 1,
    Paused = 2,
    Sent = 3,
    Cancelled = 4,
}

[JsonConverter(typeof(JsonStringEnumConverter<RecipientState>))]
public enum RecipientState
{
    Pending = 0,
    /// <summary>Claimed by a sending pass; a pass that died leaves a claim that expires and is taken again.</summary>
    Sending = 1,
    Sent = 2,
    Failed = 3,
    /// <summary>Not sent: no consent, an invalid or missing address, opted out (the reason says which).</summary>
    Skipped = 4,
    Bounced = 5,
}

/// <summary>A mass mailing (M2) of a campaign: a personalised text sent to its members from one account, throttled.</summary>
public sealed class Mailing
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CampaignId { get; set; }
    public required string Name { get; set; }
    public Guid AccountId { get; set; }
    public required string Subject { get; set; }
    /// <summary>The text with <c>{{person.firstName}}</c>-style placeholders; sent as plain text and simple HTML.</summary>
    public required string Body { get; set; }
    /// <summary>Messages per minute at most (0: as fast as the server takes them).</summary>
    public int RatePerMinute { get; set; } = 60;
    /// <summary>Open and click tracking: off unless the sender turns it on (a privacy note says what it records).</summary>
    public bool Tracking { get; set; }
    public MailingStatus Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? StartedBy { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int Revision { get; set; }
}

/// <summary>One recipient of a mailing with its delivery state; the row is the outbox entry (claimed, sent, failed).</summary>
public sealed class MailingRecipient
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid MailingId { get; set; }
    public Guid MemberId { get; set; }
    public Guid CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public string? Email { get; set; }
    public RecipientState State { get; set; }
    /// <summary>no-consent, invalid-address, no-address, opted-out; or the last error of a failed send.</summary>
    public string? Reason { get; set; }
    /// <summary>The placeholder values, taken when the mailing started (what the person was sent does not change with later edits).</summary>
    public string? Values { get; set; }
    public required string MessageId { get; set; }
    public int Attempts { get; set; }
    /// <summary>Set by the pass that claimed the row: only it may mark it sent.</summary>
    public Guid? ClaimToken { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClickedAt { get; set; }
    public DateTimeOffset? BouncedAt { get; set; }
}

internal sealed class MailingConfiguration : IEntityTypeConfiguration<Mailing>, IEntityTypeConfiguration<MailingRecipient>
{
    public void Configure(EntityTypeBuilder<Mailing> builder)
    {
        builder.ToTable("mailings");
        builder.Property(m => m.Name).HasMaxLength(200);
        builder.Property(m => m.Subject).HasMaxLength(900);
        builder.Property(m => m.Body).HasMaxLength(100_000);
        builder.Property(m => m.CreatedBy).HasMaxLength(100);
        builder.Property(m => m.StartedBy).HasMaxLength(100);
        builder.Property(m => m.Revision).IsConcurrencyToken();
        builder.HasIndex(m => m.CampaignId);
        builder.HasIndex(m => m.Status);
    }

    public void Configure(EntityTypeBuilder<MailingRecipient> builder)
    {
        builder.ToTable("mailing_recipients");
        builder.Property(r => r.Email).HasMaxLength(320);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.Values).HasMaxLength(8000);
        builder.Property(r => r.MessageId).HasMaxLength(300);
        builder.HasIndex(r => new { r.MailingId, r.MemberId }).IsUnique();
        builder.HasIndex(r => new { r.MailingId, r.State, r.NextAttemptAt });
        builder.HasIndex(r => r.MessageId);
        builder.HasIndex(r => r.PersonId);
    }
}
