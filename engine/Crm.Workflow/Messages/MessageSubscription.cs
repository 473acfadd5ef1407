using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Messages;

/// <summary>
/// Something waits for a message with this name: a catch event, receive task, message boundary event or
/// event-gateway branch of an instance, or a message start event of a definition (no instance).
/// </summary>
public sealed class MessageSubscription
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string MessageName { get; set; }
    /// <summary>Evaluated <c>crm:correlationKey</c> at the moment of subscribing; a message with a key must match it.</summary>
    public string? CorrelationKey { get; set; }
    public Guid? InstanceId { get; set; }
    public string? BusinessKey { get; set; }
    public Guid DefinitionId { get; set; }
    public required string ProcessKey { get; set; }
    public required string ElementId { get; set; }
    public string? AnchorId { get; set; }
    /// <summary>A multi-instance inner token parked outside the instance state.</summary>
    public string? ParkedToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MessageSubscriptionConfiguration : IEntityTypeConfiguration<MessageSubscription>
{
    public void Configure(EntityTypeBuilder<MessageSubscription> builder)
    {
        builder.ToTable("message_subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.MessageName).HasMaxLength(200);
        builder.Property(s => s.CorrelationKey).HasMaxLength(200);
        builder.Property(s => s.BusinessKey).HasMaxLength(200);
        builder.Property(s => s.ProcessKey).HasMaxLength(200);
        builder.Property(s => s.ElementId).HasMaxLength(200);
        builder.Property(s => s.AnchorId).HasMaxLength(100);
        builder.HasIndex(s => new { s.MessageName, s.CorrelationKey });
        builder.HasIndex(s => s.InstanceId);
    }
}
