using System.Text.Json.Nodes;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.MandatoryReading;

/// <summary>At the deadline: each pending reader's supervisor (their manager) is told.</summary>
[ServiceTaskHandler("crm.kb.escalate", DisplayName = "Escalate overdue readings", Category = "Knowledge base",
    Description = "Notifies the manager of each reader of 'assignmentId' in this instance who has not confirmed by the deadline.")]
[HandlerOutput("escalated", "number", Description = "how many readers were still pending")]
public sealed class EscalateReadersHandler(CrmDbContext db, NotificationOutbox notifications) : ServiceTaskHandler<ReadingVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ReadingVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var pending = await PendingReadings.OfAsync(db, variables, context, cancellationToken);
        var readers = pending.Select(p => p.Reader).ToList();
        var managers = await db.Users.AsNoTracking().Where(u => readers.Contains(u.UserName) && u.ManagerId != null)
            .Join(db.Users, u => u.ManagerId, m => m.Id, (u, m) => new { Reader = u.UserName, Manager = m.UserName }).ToListAsync(cancellationToken);
        foreach (var item in pending)
        {
            if (managers.FirstOrDefault(m => m.Reader == item.Reader) is { } manager)
            {
                await notifications.QueueAsync(NotificationKind.Escalation, item.TaskId, manager.Manager, cancellationToken: cancellationToken);
            }
        }

        return new Dictionary<string, JsonNode?> { ["escalated"] = pending.Count };
    }
}
