using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Processes.Design;

/// <summary>
/// Work in progress in the designer: saved, never executed. One draft per process key; deploying it makes
/// a new version and removes the draft.
/// </summary>
public sealed class ProcessDraft
{
    public required string Key { get; set; }
    public string? Name { get; set; }
    public required string Xml { get; set; }
    public required string SavedBy { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    /// <summary>Guards against two people saving one draft over each other.</summary>
    public int Revision { get; set; }
}

internal sealed class ProcessDraftConfiguration : IEntityTypeConfiguration<ProcessDraft>
{
    public void Configure(EntityTypeBuilder<ProcessDraft> builder)
    {
        builder.ToTable("process_drafts");
        builder.HasKey(d => d.Key);
        builder.Property(d => d.Key).HasMaxLength(200);
        builder.Property(d => d.Name).HasMaxLength(300);
        builder.Property(d => d.SavedBy).HasMaxLength(100);
        builder.Property(d => d.Revision).IsConcurrencyToken();
    }
}
