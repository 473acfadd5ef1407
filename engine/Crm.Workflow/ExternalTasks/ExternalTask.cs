using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.ExternalTasks;

/// <summary>
/// A service task served by a worker outside the server (Camunda's <c>camunda:type="external"</c> with a topic): the
/// token waits while a worker fetches and locks the task, then completes it, reports a failure or throws a BPMN error.
/// The row goes when the task completes or its token is cancelled.
/// </summary>
public sealed class ExternalTask
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public Guid DefinitionId { get; set; }
    public required string ProcessKey { get; set; }
    public string? BusinessKey { get; set; }
    public required string ElementId { get; set; }
    public required string TokenId { get; set; }
    public required string Topic { get; set; }
    public long Priority { get; set; }
    /// <summary>Attempts left as the worker last reported them; null until a first failure.</summary>
    public int? Retries { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorDetails { get; set; }
    public string? WorkerId { get; set; }
    /// <summary>The account that took the lock: only it reports on the task (the worker id alone is the client's word).</summary>
    public string? LockedBy { get; set; }
    /// <summary>Locked until then (by <see cref="WorkerId"/>), or, after a failure with retries left, not offered before then.</summary>
    public DateTimeOffset? LockExpiresAt { get; set; }
    /// <summary>Out of retries: an incident that a process owner retries once the cause is fixed.</summary>
    public bool Incident { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; }
}

internal sealed class ExternalTaskConfiguration : IEntityTypeConfiguration<ExternalTask>
{
    public void Configure(EntityTypeBuilder<ExternalTask> builder)
    {
        builder.ToTable("external_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.ProcessKey).HasMaxLength(200);
        builder.Property(t => t.BusinessKey).HasMaxLength(200);
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.TokenId).HasMaxLength(50);
        builder.Property(t => t.Topic).HasMaxLength(200);
        builder.Property(t => t.WorkerId).HasMaxLength(200);
        builder.Property(t => t.LockedBy).HasMaxLength(100);
        builder.Property(t => t.ErrorMessage).HasMaxLength(2000);
        builder.Property(t => t.Revision).IsConcurrencyToken();
        builder.HasIndex(t => new { t.Topic, t.Incident, t.LockExpiresAt });
        builder.HasIndex(t => new { t.InstanceId, t.TokenId });
    }
}
