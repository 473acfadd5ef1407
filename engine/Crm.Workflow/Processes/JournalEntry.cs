using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Processes;

/// <summary>
/// A business event a process wrote on purpose (<c>crm.journal</c> service task): "offer sent",
/// "complaint accepted". Written in the step's transaction, so it exists exactly once per executed step;
/// <see cref="IdempotencyKey"/> is unique, so a handler repeated after a crash cannot write it twice.
/// </summary>
public sealed class JournalEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public required string ElementId { get; set; }
    public required string IdempotencyKey { get; set; }
    public required string Text { get; set; }
    public string? Data { get; set; }
    /// <summary>Which server process executed the step (job lock owner or "request").</summary>
    public string? ExecutedBy { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntry>
{
    public void Configure(EntityTypeBuilder<JournalEntry> builder)
    {
        builder.ToTable("process_journal");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ElementId).HasMaxLength(200);
        builder.Property(e => e.IdempotencyKey).HasMaxLength(300);
        builder.Property(e => e.Text).HasMaxLength(2000);
        builder.Property(e => e.ExecutedBy).HasMaxLength(200);
        builder.HasIndex(e => e.IdempotencyKey).IsUnique();
        builder.HasIndex(e => e.InstanceId);
    }
}
