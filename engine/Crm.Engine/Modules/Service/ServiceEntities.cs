using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Service;

/// <summary>Where a ticket stands; its process moves it.</summary>
public enum TicketStage
{
    New = 0,
    InProgress = 1,
    /// <summary>The SLA resolution clock is paused until the customer answers.</summary>
    WaitingForCustomer = 2,
    Resolved = 3,
    Closed = 4,
}

public enum TicketPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
    Critical = 3,
}

/// <summary>A service desk ticket (zgłoszenie serwisowe) with its SLA clocks (working time of the business calendar).</summary>
public sealed class Ticket
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Number { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    public required string Subject { get; set; }
    public string? Description { get; set; }
    public Guid? CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>From the admin's classifications (e.g. hardware, software, billing).</summary>
    public required string Classification { get; set; }
    public TicketPriority Priority { get; set; }
    /// <summary>1 (low) to 3 (high).</summary>
    public int Impact { get; set; }
    /// <summary>1 (low) to 3 (high).</summary>
    public int Urgency { get; set; }
    /// <summary>A, B or C (the counterparty's priority at registration; C when none).</summary>
    public required string CustomerTier { get; set; }
    /// <summary>Weighted score of impact, urgency and tier (the admin's weights): the queue's tie-breaker.</summary>
    public int Score { get; set; }
    public TicketStage Stage { get; set; }
    public required string Group { get; set; }
    public string? Assignee { get; set; }
    public required string RegisteredBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The SLA policy's targets in working minutes, fixed at registration.</summary>
    public int ReactionTargetMinutes { get; set; }
    public int ResolutionTargetMinutes { get; set; }
    public DateTimeOffset ReactionDueAt { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    /// <summary>Working minutes until the first response.</summary>
    public double? ReactionMinutes { get; set; }
    /// <summary>Working minutes the resolution clock ran before its current run (pauses excluded).</summary>
    public double ResolutionUsedMinutes { get; set; }
    /// <summary>When the resolution clock's current run started; null while paused or stopped.</summary>
    public DateTimeOffset? ClockRunningSince { get; set; }
    /// <summary>While running: when the resolution target is reached; while paused: null.</summary>
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    /// <summary>Working minutes spent waiting for the customer (not counted).</summary>
    public double PausedMinutes { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    /// <summary>Working minutes from registration to resolution, pauses excluded.</summary>
    public double? HandlingMinutes { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public bool ReactionWarned { get; set; }
    public bool ReactionBreached { get; set; }
    public bool ResolutionWarned { get; set; }
    public bool ResolutionBreached { get; set; }
    /// <summary>Not resolved or closed: in its group's queue.</summary>
    public bool IsOpen { get; set; }
    /// <summary>
    /// What the queue sorts by: the next SLA instant that matters (reaction due until the first response, then
    /// resolution due); <see cref="Paused"/> while the clock waits for the customer, so those come last.
    /// </summary>
    public DateTimeOffset QueueAt { get; set; }

    public static readonly DateTimeOffset Paused = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
    public string? Resolution { get; set; }
    public Guid? CaseId { get; set; }
    public Guid? ComplaintId { get; set; }
    public Guid? InstanceId { get; set; }
    public int Revision { get; set; }
}

/// <summary>One step of a ticket's history.</summary>
public sealed class TicketEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TicketId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public string? By { get; set; }
}

/// <summary>Reaction and resolution targets (working minutes) for a classification and customer tier; null matches any.</summary>
public sealed class SlaPolicy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Classification { get; set; }
    public string? CustomerTier { get; set; }
    public int ReactionMinutes { get; set; }
    public int ResolutionMinutes { get; set; }
}

public sealed class TicketCounter
{
    public int Year { get; set; }
    public int Last { get; set; }
}

/// <summary>The service desk settings (one row): numbering, score weights, warning share, calendar, classifications, queue group.</summary>
public sealed class ServiceSettings
{
    public int Id { get; set; } = 1;
    public string NumberPattern { get; set; } = "SRV/{yyyy}/{n:00000}";
    public int ImpactWeight { get; set; } = 3;
    public int UrgencyWeight { get; set; } = 2;
    public int TierWeight { get; set; } = 2;
    /// <summary>Share of a target (percent) after which the group's lead is warned.</summary>
    public int WarnPercent { get; set; } = 80;
    /// <summary>"mon 08:00-16:00, tue …" (Polish time).</summary>
    public string WorkingHours { get; set; } = "mon 08:00-16:00, tue 08:00-16:00, wed 08:00-16:00, thu 08:00-16:00, fri 08:00-16:00";
    /// <summary>The admin's own days off (yyyy-MM-dd, comma-separated), besides the public holidays.</summary>
    public string DaysOff { get; set; } = "";
    public string Classifications { get; set; } = "hardware,software,installation,billing,other";
    public string Group { get; set; } = "office";
    public int Revision { get; set; }
}

internal sealed class ServiceConfiguration : IEntityTypeConfiguration<Ticket>, IEntityTypeConfiguration<TicketEvent>, IEntityTypeConfiguration<SlaPolicy>,
    IEntityTypeConfiguration<TicketCounter>, IEntityTypeConfiguration<ServiceSettings>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.ToTable("tickets");
        builder.Property(t => t.Number).HasMaxLength(50);
        builder.HasIndex(t => t.Number).IsUnique();
        builder.Property(t => t.Subject).HasMaxLength(300);
        builder.Property(t => t.Description).HasMaxLength(8000);
        builder.Property(t => t.Classification).HasMaxLength(50);
        builder.Property(t => t.CustomerTier).HasMaxLength(1);
        builder.Property(t => t.Group).HasMaxLength(100);
        builder.Property(t => t.Assignee).HasMaxLength(100);
        builder.Property(t => t.RegisteredBy).HasMaxLength(100);
        builder.Property(t => t.Resolution).HasMaxLength(4000);
        builder.Property(t => t.Revision).IsConcurrencyToken();
        // The queue: a group's open tickets by the next SLA instant.
        builder.HasIndex(t => new { t.Group, t.IsOpen, t.QueueAt });
        builder.HasIndex(t => new { t.CounterpartyId, t.CreatedAt });
        builder.HasIndex(t => t.CreatedAt);
    }

    public void Configure(EntityTypeBuilder<TicketEvent> builder)
    {
        builder.ToTable("ticket_events");
        builder.Property(e => e.Kind).HasMaxLength(30);
        builder.Property(e => e.Text).HasMaxLength(2000);
        builder.Property(e => e.By).HasMaxLength(100);
        builder.HasIndex(e => new { e.TicketId, e.At });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<SlaPolicy> builder)
    {
        builder.ToTable("sla_policies");
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Classification).HasMaxLength(50);
        builder.Property(p => p.CustomerTier).HasMaxLength(1);
    }

    public void Configure(EntityTypeBuilder<TicketCounter> builder)
    {
        builder.ToTable("ticket_counters");
        builder.HasKey(c => c.Year);
        builder.Property(c => c.Year).ValueGeneratedNever();
        builder.Property(c => c.Last).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ServiceSettings> builder)
    {
        builder.ToTable("service_settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.NumberPattern).HasMaxLength(100);
        builder.Property(s => s.WorkingHours).HasMaxLength(300);
        builder.Property(s => s.DaysOff).HasMaxLength(4000);
        builder.Property(s => s.Classifications).HasMaxLength(1000);
        builder.Property(s => s.Group).HasMaxLength(100);
        builder.Property(s => s.Revision).IsConcurrencyToken();
    }
}
