using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Engine.Processes;

public enum HistoryEventType
{
    InstanceStarted,
    InstanceCompleted,
    InstanceTerminated,
    InstanceCancelled,
    ElementEntered,
    ElementLeft,
    TaskCreated,
    TaskClaimed,
    TaskUnclaimed,
    TaskDelegated,
    TaskResolved,
    TaskCompleted,
    TaskCancelled,
    VariableSet,
}

/// <summary>Append-only record of what happened in an instance, in order (<see cref="Sequence"/>).</summary>
public sealed class HistoryEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public long Sequence { get; set; }
    public HistoryEventType Type { get; set; }
    public string? ElementId { get; set; }
    public string? ElementType { get; set; }
    public Guid? TaskId { get; set; }
    public string? UserName { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>Details as JSON: variable name with old and new value, delegate, etc.</summary>
    public string? Data { get; set; }
}

internal sealed class HistoryEventConfiguration : IEntityTypeConfiguration<HistoryEvent>
{
    public void Configure(EntityTypeBuilder<HistoryEvent> builder)
    {
        builder.ToTable("history_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ElementId).HasMaxLength(200);
        builder.Property(e => e.ElementType).HasMaxLength(50);
        builder.Property(e => e.UserName).HasMaxLength(100);
        builder.HasIndex(e => new { e.InstanceId, e.Sequence });
    }
}
