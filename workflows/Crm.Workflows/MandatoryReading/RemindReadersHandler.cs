using System.Text.Json.Nodes;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.MandatoryReading;

/// <summary>Queues a reminder mail for every reader of this instance who has not confirmed yet.</summary>
[ServiceTaskHandler("crm.kb.remind", DisplayName = "Remind pending readers", Category = "Knowledge base",
    Description = "Notifies each reader of 'assignmentId' in this instance who has not confirmed yet.")]
[HandlerOutput("reminded", "number", Description = "how many readers were reminded")]
public sealed class RemindReadersHandler(CrmDbContext db, NotificationOutbox notifications) : ServiceTaskHandler<ReadingVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ReadingVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var pending = await PendingReadings.OfAsync(db, variables, context, cancellationToken);
        foreach (var (taskId, reader) in pending)
        {
            await notifications.QueueAsync(NotificationKind.Reminder, taskId, reader, cancellationToken: cancellationToken);
        }

        return new Dictionary<string, JsonNode?> { ["reminded"] = pending.Count };
    }
}
