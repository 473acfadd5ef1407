using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Processes;

/// <summary>One deployed version of a process. Never changed after deploy; instances keep theirs.</summary>
public sealed class ProcessDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The BPMN process id: the key people and APIs start processes by.</summary>
    public required string Key { get; set; }
    public int Version { get; set; }
    public string? Name { get; set; }
    public required string Xml { get; set; }
    /// <summary>SHA-256 of the XML: deploying identical XML again does not create a version.</summary>
    public required string XmlHash { get; set; }
    public DateTimeOffset DeployedAt { get; set; }
    public string? DeployedBy { get; set; }
}

internal sealed class ProcessDefinitionConfiguration : IEntityTypeConfiguration<ProcessDefinition>
{
    public void Configure(EntityTypeBuilder<ProcessDefinition> builder)
    {
        builder.ToTable("process_definitions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Key).HasMaxLength(200);
        builder.Property(d => d.Name).HasMaxLength(300);
        builder.Property(d => d.XmlHash).HasMaxLength(64);
        builder.Property(d => d.DeployedBy).HasMaxLength(100);
        builder.HasIndex(d => new { d.Key, d.Version }).IsUnique();
    }
}
