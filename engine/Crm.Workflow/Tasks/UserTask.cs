using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Tasks;

public enum TaskStatus
{
    Open = 0,
    Completed = 1,
    Cancelled = 2,
}

public enum DelegationState
{
    None = 0,
    /// <summary>Delegated: the delegate works on it, the owner gets it back on resolve.</summary>
    Pending = 1,
    Resolved = 2,
}

/// <summary>A unit of work for a person, created by a user task in a process.</summary>
public sealed class UserTask
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public required string ProcessKey { get; set; }
    public string? ProcessName { get; set; }
    public string? BusinessKey { get; set; }
    public required string ElementId { get; set; }
    public required string TokenId { get; set; }
    public required string Name { get; set; }
    public string? Assignee { get; set; }
    /// <summary>Who delegated the task and gets it back on resolve.</summary>
    public string? Owner { get; set; }
    public DelegationState Delegation { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? FollowUpAt { get; set; }
    public int Priority { get; set; } = 50;
    public string? FormKey { get; set; }
    public string? FormSchema { get; set; }
    /// <summary>Activity-local input variables (JSON object) shown in the form.</summary>
    public string? Inputs { get; set; }
    /// <summary>Business objects the task concerns, e.g. {"customerId": "...", "documentId": "..."}.</summary>
    public string? Links { get; set; }
    public TaskStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public int Revision { get; set; }
    /// <summary>When the reminder before the due date was queued (once per task).</summary>
    public DateTimeOffset? ReminderSentAt { get; set; }
    /// <summary>When the overdue task was escalated to the supervisor (once per task).</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    /// <summary>For an inner instance of a parallel multi-instance activity: its body id and parked token (JSON).</summary>
    public string? MultiInstanceBodyId { get; set; }
    public string? ParkedToken { get; set; }
    public List<TaskCandidate> Candidates { get; set; } = [];
    /// <summary>For a subtask: the task it was split off (no process token of its own; completing it moves no process).</summary>
    public Guid? ParentTaskId { get; set; }
    /// <summary>For a subtask: the parent cannot be completed while it is open.</summary>
    public bool SubtaskRequired { get; set; }
}

public enum CandidateKind
{
    User = 0,
    Group = 1,
}

public sealed class TaskCandidate
{
    public Guid TaskId { get; set; }
    public CandidateKind Kind { get; set; }
    public required string Name { get; set; }
}

internal sealed class UserTaskConfiguration : IEntityTypeConfiguration<UserTask>, IEntityTypeConfiguration<TaskCandidate>
{
    public void Configure(EntityTypeBuilder<UserTask> builder)
    {
        builder.ToTable("user_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.ProcessKey).HasMaxLength(200);
        builder.Property(t => t.ProcessName).HasMaxLength(300);
        builder.Property(t => t.BusinessKey).HasMaxLength(200);
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.TokenId).HasMaxLength(50);
        builder.Property(t => t.Name).HasMaxLength(300);
        builder.Property(t => t.Assignee).HasMaxLength(100);
        builder.Property(t => t.Owner).HasMaxLength(100);
        builder.Property(t => t.CompletedBy).HasMaxLength(100);
        builder.Property(t => t.FormKey).HasMaxLength(300);
        builder.Property(t => t.Revision).IsConcurrencyToken();
        builder.HasOne<Processes.ProcessInstance>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.Candidates).WithOne().HasForeignKey(c => c.TaskId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.Status, t.Assignee });
        builder.HasIndex(t => t.InstanceId);
        builder.HasIndex(t => new { t.Status, t.DueAt });
        builder.Property(t => t.MultiInstanceBodyId).HasMaxLength(50);
        builder.HasIndex(t => t.ParentTaskId);
    }

    public void Configure(EntityTypeBuilder<TaskCandidate> builder)
    {
        builder.ToTable("task_candidates");
        builder.HasKey(c => new { c.TaskId, c.Kind, c.Name });
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.HasIndex(c => new { c.Kind, c.Name });
    }
}
