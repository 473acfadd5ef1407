using Crm.Platform.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Complaints;

/// <summary>Consumer complaints have a statutory answer deadline (14 days in Poland); business ones the deadline the admin sets.</summary>
public enum ComplaintKind
{
    Consumer = 0,
    Business = 1,
}

/// <summary>Where a complaint stands; the complaint process moves it, a person never sets it directly.</summary>
public enum ComplaintStatus
{
    /// <summary>Registered, being analysed (or waiting for an expertise).</summary>
    Open = 0,
    /// <summary>Accepted or rejected (four eyes done where needed), the customer not answered yet.</summary>
    Decided = 1,
    /// <summary>The customer has the answer; the resolution (repair, refund …) is being carried out.</summary>
    Answered = 2,
    Closed = 3,
}

public enum ComplaintDecision
{
    None = 0,
    Accepted = 1,
    Rejected = 2,
    /// <summary>The statutory deadline passed without an answer: the complaint counts as accepted.</summary>
    AcceptedByDefault = 3,
}

/// <summary>A complaint (reklamacja) against a sale, contract, product or document, handled by the complaint-handling process.</summary>
[ModuleContract]
public sealed class Complaint
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>From the configured pattern, e.g. REK/2026/00042; unique.</summary>
    public required string Number { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    public required string Subject { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    public ComplaintKind Kind { get; set; }
    /// <summary>sale, contract, product, document or other.</summary>
    public required string AgainstType { get; set; }
    /// <summary>The sales document or contract number.</summary>
    public string? AgainstNumber { get; set; }
    public DateOnly? AgainstDate { get; set; }
    public string? ProductCode { get; set; }
    public string? ProductName { get; set; }
    /// <summary>A DMS document the complaint is against.</summary>
    public Guid? AgainstDocumentId { get; set; }
    public DateOnly ReceivedOn { get; set; }
    /// <summary>email, phone, letter, in-person, web.</summary>
    public required string Channel { get; set; }
    public required string DefectDescription { get; set; }
    /// <summary>repair, replacement, price-reduction, refund, withdrawal.</summary>
    public required string Demand { get; set; }
    /// <summary>What the customer claims in money (refund, price reduction), in <see cref="Currency"/>; counts towards the four-eyes threshold.</summary>
    public decimal ClaimedAmount { get; set; }
    public string Currency { get; set; } = "PLN";
    public ComplaintStatus Status { get; set; }
    public ComplaintDecision Decision { get; set; }
    public string? Justification { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>Who approved a decision above the cost threshold (four eyes).</summary>
    public string? ApprovedBy { get; set; }
    public string? Resolution { get; set; }
    /// <summary>How and when the customer got the answer.</summary>
    public string? AnswerChannel { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    /// <summary>The day by which the customer must have the answer (end of day, Europe/Warsaw).</summary>
    public DateOnly Deadline { get; set; }
    /// <summary>The group whose members handle it (from the classification).</summary>
    public required string HandlingGroup { get; set; }
    /// <summary>The person responsible; who registered it until someone takes it.</summary>
    public required string Owner { get; set; }
    public required string RegisteredBy { get; set; }
    /// <summary>The complaint's own DMS folder (attachments; its ACL follows the handling group and owner).</summary>
    public Guid? FolderId { get; set; }
    public Guid? InstanceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Revision { get; set; }
}

/// <summary>One step of a complaint's history: registered, classified, decided, approved, answered, closed, edited, note, cost.</summary>
public sealed class ComplaintEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ComplaintId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    /// <summary>The person, or the process that made the step.</summary>
    public string? By { get; set; }
}

/// <summary>A cost of handling a complaint (transport, expertise, replacement part, labour, goodwill, refund …).</summary>
public sealed class ComplaintCost
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ComplaintId { get; set; }
    /// <summary>A value of the cost-type dictionary.</summary>
    public required string Type { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "PLN";
    public DateOnly On { get; set; }
    public string? Note { get; set; }
    public required string By { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The last number given per year: taken and raised in the registering transaction, so numbers have no gaps or twins.</summary>
public sealed class ComplaintCounter
{
    public int Year { get; set; }
    public int Last { get; set; }
}

/// <summary>The complaint settings an admin keeps (one row).</summary>
public sealed class ComplaintSettings
{
    public int Id { get; set; } = 1;
    /// <summary>{yyyy} the year, {n:00000} the sequence in it (zero-padded to the given width).</summary>
    public string NumberPattern { get; set; } = "REK/{yyyy}/{n:00000}";
    /// <summary>Calendar days to answer a consumer complaint (Polish law: 14).</summary>
    public int ConsumerDays { get; set; } = 14;
    /// <summary>Calendar days to answer a business complaint (by contract; 30 by default).</summary>
    public int BusinessDays { get; set; } = 30;
    /// <summary>Days before the deadline when the handling group's lead is warned.</summary>
    public int WarnDaysBefore { get; set; } = 3;
    /// <summary>An accepted complaint whose claim plus costs exceed this (PLN) needs a second person's approval.</summary>
    public decimal FourEyesThreshold { get; set; } = 5000;
    /// <summary>The group that approves decisions above the threshold.</summary>
    public string ApproverGroup { get; set; } = "process-owners";
    /// <summary>The group that handles complaints.</summary>
    public string HandlingGroup { get; set; } = "complaints";
    /// <summary>Comma-separated cost types offered for cost lines.</summary>
    public string CostTypes { get; set; } = "transport,expertise,replacement-part,labour,goodwill,refund";
    public int Revision { get; set; }
}

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>, IEntityTypeConfiguration<ComplaintEvent>, IEntityTypeConfiguration<ComplaintCost>,
    IEntityTypeConfiguration<ComplaintCounter>, IEntityTypeConfiguration<ComplaintSettings>
{
    public void Configure(EntityTypeBuilder<Complaint> builder)
    {
        builder.ToTable("complaints");
        builder.Property(c => c.Number).HasMaxLength(50);
        builder.HasIndex(c => c.Number).IsUnique();
        builder.Property(c => c.Subject).HasMaxLength(300);
        builder.Property(c => c.AgainstType).HasMaxLength(20);
        builder.Property(c => c.AgainstNumber).HasMaxLength(100);
        builder.Property(c => c.ProductCode).HasMaxLength(100);
        builder.Property(c => c.ProductName).HasMaxLength(300);
        builder.Property(c => c.Channel).HasMaxLength(20);
        builder.Property(c => c.DefectDescription).HasMaxLength(4000);
        builder.Property(c => c.Demand).HasMaxLength(20);
        builder.Property(c => c.ClaimedAmount).HasPrecision(18, 2);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.Justification).HasMaxLength(4000);
        builder.Property(c => c.Resolution).HasMaxLength(4000);
        builder.Property(c => c.AnswerChannel).HasMaxLength(20);
        builder.Property(c => c.DecidedBy).HasMaxLength(100);
        builder.Property(c => c.ApprovedBy).HasMaxLength(100);
        builder.Property(c => c.HandlingGroup).HasMaxLength(100);
        builder.Property(c => c.Owner).HasMaxLength(100);
        builder.Property(c => c.RegisteredBy).HasMaxLength(100);
        builder.Property(c => c.Revision).IsConcurrencyToken();
        builder.HasIndex(c => new { c.Status, c.Deadline });
        builder.HasIndex(c => new { c.CounterpartyId, c.CreatedAt });
        builder.HasIndex(c => new { c.Owner, c.Status });
    }

    public void Configure(EntityTypeBuilder<ComplaintEvent> builder)
    {
        builder.ToTable("complaint_events");
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.Property(e => e.Text).HasMaxLength(2000);
        builder.Property(e => e.By).HasMaxLength(100);
        builder.HasIndex(e => new { e.ComplaintId, e.At });
        builder.HasOne<Complaint>().WithMany().HasForeignKey(e => e.ComplaintId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ComplaintCost> builder)
    {
        builder.ToTable("complaint_costs");
        builder.Property(c => c.Type).HasMaxLength(50);
        builder.Property(c => c.Amount).HasPrecision(18, 2);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.Note).HasMaxLength(500);
        builder.Property(c => c.By).HasMaxLength(100);
        builder.HasIndex(c => new { c.ComplaintId, c.On });
        builder.HasOne<Complaint>().WithMany().HasForeignKey(c => c.ComplaintId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ComplaintCounter> builder)
    {
        builder.ToTable("complaint_counters");
        builder.HasKey(c => c.Year);
        builder.Property(c => c.Year).ValueGeneratedNever();
        builder.Property(c => c.Last).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ComplaintSettings> builder)
    {
        builder.ToTable("complaint_settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.NumberPattern).HasMaxLength(100);
        builder.Property(s => s.FourEyesThreshold).HasPrecision(18, 2);
        builder.Property(s => s.ApproverGroup).HasMaxLength(100);
        builder.Property(s => s.HandlingGroup).HasMaxLength(100);
        builder.Property(s => s.CostTypes).HasMaxLength(1000);
        builder.Property(s => s.Revision).IsConcurrencyToken();
    }
}
