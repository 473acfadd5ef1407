using System.Text.Json.Nodes;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.SalesCycle;

/// <summary>A phase stalls: the owner gets a reminder on their open task of this case.</summary>
[ServiceTaskHandler("crm.case.remind", DisplayName = "Remind the case owner", Category = "CRM",
    Description = "Queues a reminder mail to the owner about the open task of this instance.")]
public sealed class RemindCaseOwnerHandler(CrmDbContext db, NotificationOutbox notifications) : ServiceTaskHandler<SalesCycleVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(SalesCycleVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var task = await db.UserTasks.AsNoTracking().Where(t => t.InstanceId == context.InstanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if ((task?.Assignee ?? variables.Owner) is { Length: > 0 } owner && task is not null)
        {
            await notifications.QueueAsync(NotificationKind.Reminder, task.Id, owner, cancellationToken: cancellationToken);
        }

        return null;
    }
}
