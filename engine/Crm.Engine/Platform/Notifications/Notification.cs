using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Notifications;

public static class NotificationKind
{
    /// <summary>A task was created for someone (assignee, candidate users, members of candidate groups).</summary>
    public const string TaskCreated = "task-created";
    /// <summary>A task was delegated to the recipient.</summary>
    public const string TaskDelegated = "task-delegated";
    /// <summary>A delegate handed the task back to its owner.</summary>
    public const string TaskReturned = "task-returned";
    /// <summary>An admin gave the recipient a task (its assignee left or is away).</summary>
    public const string TaskReassigned = "task-reassigned";
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
    /// <summary>One line kept for a user who reads a daily digest instead of single mails.</summary>
    public const string DigestItem = "digest-item";
}

/// <summary>
/// A notification waiting to be mailed: written in the same transaction as the task change that causes it
/// (an outbox), so a crash never loses one and a rolled-back change never sends one.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    public Guid? TaskId { get; set; }
    /// <summary>A fixed recipient (user name), or null to notify whoever the task concerns when it is sent.</summary>
    public string? Recipient { get; set; }
    /// <summary>The digest line for <see cref="NotificationKind.DigestItem"/>.</summary>
    public string? Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>Which worker holds the row while mailing; a dead worker's lock expires.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Kind).HasMaxLength(40);
        builder.Property(n => n.Recipient).HasMaxLength(100);
        builder.Property(n => n.Text).HasMaxLength(1000);
        builder.Property(n => n.LastError).HasMaxLength(2000);
        builder.HasIndex(n => new { n.ProcessedAt, n.Kind });
    }
}
