using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Notifications;

/// <summary>
/// One line in a person's bell: what happened (a <see cref="NotificationKind"/> or <see cref="UserNotification.MentionKind"/>),
/// about what (<see cref="Subject"/>, e.g. the task's name), by whom, and where it leads. The UI words it in the reader's
/// language from the kind, so the row stores no sentence.
/// </summary>
public sealed class UserNotification
{
    public const string MentionKind = "mention";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The user name of the only person who ever sees this row.</summary>
    public required string Recipient { get; set; }
    public required string Kind { get; set; }
    public required string Subject { get; set; }
    /// <summary>Who caused it, as a display name (the writer of a mention), or null.</summary>
    public string? Actor { get; set; }
    /// <summary>A page address relative to the app root, e.g. <c>tasks/{id}</c>.</summary>
    public required string Link { get; set; }
    public Guid? TaskId { get; set; }
    /// <summary>The event it stems from (the mail outbox row, the note): unique per recipient, so an event notifies once.</summary>
    public required string SourceKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class UserNotificationConfiguration : IEntityTypeConfiguration<UserNotification>
{
    public void Configure(EntityTypeBuilder<UserNotification> builder)
    {
        builder.ToTable("user_notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Recipient).HasMaxLength(100);
        builder.Property(n => n.Kind).HasMaxLength(40);
        builder.Property(n => n.Subject).HasMaxLength(300);
        builder.Property(n => n.Actor).HasMaxLength(200);
        builder.Property(n => n.Link).HasMaxLength(300);
        builder.Property(n => n.SourceKey).HasMaxLength(100);
        builder.HasIndex(n => new { n.Recipient, n.SourceKey }).IsUnique();
        builder.HasIndex(n => new { n.Recipient, n.ReadAt, n.CreatedAt });
    }
}
