using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Counterparties.Gdpr;

public enum ErasureStatus
{
    AwaitingApproval,
    Erased,
    Rejected,
}

/// <summary>
/// A GDPR (RODO art. 17) request to erase a person: who asked and why, the documents about them listed for the approver's
/// decision, the second person's decision, and, once carried out, the certificate of erasure.
/// </summary>
public sealed class ErasureRequest
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PersonId { get; set; }
    /// <summary>How the person is called from now on ("Erased person 1a2b3c4d").</summary>
    public required string PersonLabel { get; set; }
    public required string Reason { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public ErasureStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    /// <summary>keep | owners-review: what happens to the documents listed.</summary>
    public string? DocumentsDecision { get; set; }
    /// <summary>JSON list of {id, title} of the documents about the person, listed when the request was made.</summary>
    public string? Documents { get; set; }
    public Guid? InstanceId { get; set; }
    /// <summary>The certificate of erasure as JSON, and its SHA-256 (printed on it, so a copy can be checked).</summary>
    public string? Certificate { get; set; }
    public string? CertificateDigest { get; set; }
}

internal sealed class ErasureConfiguration : IEntityTypeConfiguration<ErasureRequest>
{
    public void Configure(EntityTypeBuilder<ErasureRequest> builder)
    {
        builder.ToTable("gdpr_erasure_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.PersonLabel).HasMaxLength(100);
        builder.Property(r => r.Reason).HasMaxLength(2000);
        builder.Property(r => r.RequestedBy).HasMaxLength(100);
        builder.Property(r => r.DecidedBy).HasMaxLength(100);
        builder.Property(r => r.DecisionNote).HasMaxLength(2000);
        builder.Property(r => r.DocumentsDecision).HasMaxLength(40);
        builder.Property(r => r.CertificateDigest).HasMaxLength(64);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.PersonId, r.Status });
        builder.HasIndex(r => r.RequestedAt);
    }
}
