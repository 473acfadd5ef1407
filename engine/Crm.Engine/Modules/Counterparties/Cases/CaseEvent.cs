using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties.Cases;

/// <summary>One step in a case's own history (created, moved to a phase, won, lost, edited): part of the case timeline.</summary>
public sealed class CaseEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CaseId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>created, phase, won, lost or edited.</summary>
    public required string Kind { get; set; }
    public required string Text { get; set; }
    /// <summary>The person, or the process that made the step.</summary>
    public string? By { get; set; }
}

internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> builder)
    {
        builder.ToTable("case_events");
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.Property(e => e.Text).HasMaxLength(500);
        builder.Property(e => e.By).HasMaxLength(100);
        builder.HasIndex(e => new { e.CaseId, e.At });
        builder.HasIndex(e => new { e.By, e.At });   // "recent" on the home page: the cases I moved or edited
        builder.HasOne<CrmCase>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
