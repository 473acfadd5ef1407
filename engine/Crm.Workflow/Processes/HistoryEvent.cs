using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Workflow.Processes;

public enum HistoryEventType
{
    InstanceStarted,
    InstanceCompleted,
    InstanceTerminated,
    InstanceCancelled,
    ElementEntered,
    ElementLeft,
    TaskCreated,
    TaskClaimed,
    TaskUnclaimed,
    TaskDelegated,
    TaskResolved,
    TaskCompleted,
    TaskCancelled,
    VariableSet,
    ElementCancelled,
    TimerFired,
    MessageReceived,
    ErrorThrown,
    ErrorCaught,
    ErrorUncaught,
    CalledProcessStarted,
    CalledProcessEnded,
    JobFailed,
    IncidentRaised,
    IncidentRetried,
    InstanceMigrated,
    EscalationThrown,
    EscalationCaught,
    ConditionMet,
    CompensationThrown,
    TaskReassigned,
}

/// <summary>One thing that happened in an instance, in order (<see cref="Sequence"/>).</summary>
public sealed record HistoryEvent(
    [property: JsonPropertyName("s")] long Sequence,
    [property: JsonPropertyName("t")] HistoryEventType Type,
    [property: JsonPropertyName("e")] string? ElementId,
    [property: JsonPropertyName("k")] string? ElementType,
    [property: JsonPropertyName("task")] Guid? TaskId,
    [property: JsonPropertyName("u")] string? UserName,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("d")] JsonNode? Data);

/// <summary>
/// The history written by one unit of work (one committed step of one instance), as one append-only row.
/// A step that passes ten elements writes one row, not twenty: see docs/decisions/0003-history-batches.md.
/// </summary>
public sealed class HistoryBatch
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InstanceId { get; set; }
    public long FirstSequence { get; set; }
    public long LastSequence { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>JSON array of <see cref="HistoryEvent"/>.</summary>
    public required string Events { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public IReadOnlyList<HistoryEvent> Read() => JsonSerializer.Deserialize<List<HistoryEvent>>(Events, Json) ?? [];
}

internal sealed class HistoryBatchConfiguration : IEntityTypeConfiguration<HistoryBatch>
{
    public void Configure(EntityTypeBuilder<HistoryBatch> builder)
    {
        builder.ToTable("history_batches");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.InstanceId, e.FirstSequence }).IsUnique();
    }
}
