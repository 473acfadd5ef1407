using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Jobs;

public enum JobKind
{
    /// <summary>Run an element marked async (asyncBefore): the token waits at it until the job runs.</summary>
    Continue = 0,
    /// <summary>A timer catch event, boundary timer or event-gateway timer of a waiting instance.</summary>
    Timer = 1,
    /// <summary>A timer start event: starts a new instance of its definition, then schedules the next.</summary>
    TimerStart = 2,
    /// <summary>A called process ended: continue the call activity that waits for it.</summary>
    CallReturn = 3,
    /// <summary>A signal thrown by a process: broadcast to every waiting instance and signal start, after the thrower's commit.</summary>
    SignalBroadcast = 4,
    /// <summary>A called process threw an escalation nothing in it caught: offered to the parent's call activity.</summary>
    EscalationFromCall = 5,
}

/// <summary>
/// Work the engine does later or in the background. Acquired by a job executor in batches (on PostgreSQL
/// with FOR UPDATE SKIP LOCKED, so several servers share the table); a lock expires, so a dead server's
/// jobs are taken over. Executing a job and deleting it commit in the instance step's transaction.
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public JobKind Kind { get; set; }
    /// <summary>The instance the job acts on; null for timer start events.</summary>
    public Guid? InstanceId { get; set; }
    public Guid DefinitionId { get; set; }
    public required string ProcessKey { get; set; }
    public required string ElementId { get; set; }
    /// <summary>The token, sub-process scope or multi-instance body the job belongs to.</summary>
    public string? AnchorId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? LockOwner { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public int RetriesLeft { get; set; } = 3;
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>Retries are used up: the job waits for a person (GET /api/incidents, retry).</summary>
    public bool Incident { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    /// <summary>Kind-specific JSON (<see cref="JobPayload"/>).</summary>
    public string? Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What a job carries beyond its row: the rest of a timer cycle, a called process's result, a parked token.</summary>
public sealed class JobPayload
{
    /// <summary>Timer cycle text (<c>R3/PT1H</c>, cron) when the timer repeats.</summary>
    public string? Cycle { get; set; }
    /// <summary>Repetitions left after this one; null repeats forever.</summary>
    public int? RemainingRepeats { get; set; }
    public Guid? ChildInstanceId { get; set; }
    public string? ChildStatus { get; set; }
    public string? ErrorCode { get; set; }
    public Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Variables { get; set; }
    /// <summary>A multi-instance inner token parked outside the instance state (see MultiInstanceBody).</summary>
    public string? ParkedToken { get; set; }
    /// <summary>The signal a <see cref="JobKind.SignalBroadcast"/> job sends.</summary>
    public string? Signal { get; set; }
    /// <summary>Escalations a called process threw uncaught in the step that ended it (they reach the call activity first).</summary>
    public List<string>? Escalations { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.ProcessKey).HasMaxLength(200);
        builder.Property(j => j.ElementId).HasMaxLength(200);
        builder.Property(j => j.AnchorId).HasMaxLength(100);
        builder.Property(j => j.LockOwner).HasMaxLength(200);
        builder.Property(j => j.LastError).HasMaxLength(4000);
        // Acquisition: due, not an incident, ordered by due time.
        builder.HasIndex(j => new { j.Incident, j.DueAt });
        builder.HasIndex(j => j.InstanceId);
        builder.HasIndex(j => j.DefinitionId);
    }
}
