using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Decisions;

/// <summary>One deployed version of a decision (a DMN file may hold several; each keeps the whole file).</summary>
public sealed class DecisionDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The decision id: the key business-rule tasks call it by (<c>camunda:decisionRef</c>).</summary>
    public required string Key { get; set; }
    public int Version { get; set; }
    public string? Name { get; set; }
    public required string Xml { get; set; }
    /// <summary>SHA-256 of the XML: deploying the same file again makes no new version.</summary>
    public required string XmlHash { get; set; }
    public DateTimeOffset DeployedAt { get; set; }
    public string? DeployedBy { get; set; }
}

/// <summary>One evaluation of a decision: inputs, the rules that matched and the result, from a process or a test.</summary>
public sealed class DecisionEvaluation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string DecisionKey { get; set; }
    public int Version { get; set; }
    public Guid? InstanceId { get; set; }
    public string? ElementId { get; set; }
    /// <summary>Run from the designer's "test this decision" panel rather than by a process.</summary>
    public bool IsTest { get; set; }
    public required string Inputs { get; set; }
    public required string MatchedRules { get; set; }
    public required string Result { get; set; }
    public DateTimeOffset At { get; set; }
    public string? By { get; set; }
}

internal sealed class DecisionDefinitionConfiguration : IEntityTypeConfiguration<DecisionDefinition>
{
    public void Configure(EntityTypeBuilder<DecisionDefinition> builder)
    {
        builder.ToTable("decision_definitions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Key).HasMaxLength(200);
        builder.Property(d => d.Name).HasMaxLength(300);
        builder.Property(d => d.XmlHash).HasMaxLength(64);
        builder.Property(d => d.DeployedBy).HasMaxLength(100);
        builder.HasIndex(d => new { d.Key, d.Version }).IsUnique();
    }
}

internal sealed class DecisionEvaluationConfiguration : IEntityTypeConfiguration<DecisionEvaluation>
{
    public void Configure(EntityTypeBuilder<DecisionEvaluation> builder)
    {
        builder.ToTable("decision_evaluations");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.DecisionKey).HasMaxLength(200);
        builder.Property(e => e.ElementId).HasMaxLength(200);
        builder.Property(e => e.By).HasMaxLength(100);
        builder.HasIndex(e => new { e.DecisionKey, e.At });
        builder.HasIndex(e => e.InstanceId);
    }
}
