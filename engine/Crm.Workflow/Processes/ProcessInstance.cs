using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Processes;

public enum InstanceStatus
{
    Active = 0,
    Completed = 1,
    Terminated = 2,
    Cancelled = 3,
}

/// <summary>A running or finished process. Its tokens and variables are one JSON document (<see cref="State"/>).</summary>
public sealed class ProcessInstance
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DefinitionId { get; set; }
    public required string ProcessKey { get; set; }
    public int DefinitionVersion { get; set; }
    public string? BusinessKey { get; set; }
    public InstanceStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public string? StartedBy { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Serialized <see cref="Bpmn.Runtime.InstanceState"/>.</summary>
    public required string State { get; set; }
    /// <summary>Comma-separated ids of elements holding a waiting token, for lists and diagram overlays.</summary>
    public string ActiveElementIds { get; set; } = "";
    /// <summary>Optimistic concurrency: every step increments it; a stale writer gets a conflict and retries.</summary>
    public int Revision { get; set; }
    /// <summary>Last history sequence number written for this instance (history is ordered by it).</summary>
    public long HistorySequence { get; set; }
    /// <summary>The instance whose call activity started this one (null for top-level instances).</summary>
    public Guid? ParentInstanceId { get; set; }
    /// <summary>The call activity's token (or multi-instance body) in the parent that waits for this instance.</summary>
    public string? ParentAnchorId { get; set; }
    public string? ParentElementId { get; set; }
    /// <summary>The parent's inner multi-instance token, parked here while this instance runs.</summary>
    public string? ParentToken { get; set; }
}

internal sealed class ProcessInstanceConfiguration : IEntityTypeConfiguration<ProcessInstance>
{
    public void Configure(EntityTypeBuilder<ProcessInstance> builder)
    {
        builder.ToTable("process_instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ProcessKey).HasMaxLength(200);
        builder.Property(i => i.BusinessKey).HasMaxLength(200);
        builder.Property(i => i.StartedBy).HasMaxLength(100);
        builder.Property(i => i.ActiveElementIds).HasMaxLength(4000);
        builder.Property(i => i.Revision).IsConcurrencyToken();
        builder.HasOne<ProcessDefinition>().WithMany().HasForeignKey(i => i.DefinitionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => new { i.ProcessKey, i.Status });
        builder.HasIndex(i => i.BusinessKey);
        builder.HasIndex(i => i.ParentInstanceId);
        builder.Property(i => i.ParentAnchorId).HasMaxLength(100);
        builder.Property(i => i.ParentElementId).HasMaxLength(200);
    }
}
