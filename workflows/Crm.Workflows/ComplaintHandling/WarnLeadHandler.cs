using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>The deadline is near: the handling group's lead gets an escalation mail about the complaint's open task.</summary>
[ServiceTaskHandler("crm.complaint.warn", DisplayName = "Warn the group's lead", Category = "Complaints",
    Description = "Queues an escalation mail to the lead of the complaint's handling group about its open task, and notes it in the complaint's history.")]
public sealed class WarnLeadHandler(ComplaintSteps steps, CrmDbContext db, NotificationOutbox notifications) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var (_, lead) = await steps.WarnAsync(variables.ComplaintId, cancellationToken);
        var task = await db.UserTasks.AsNoTracking().Where(t => t.InstanceId == context.InstanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (lead is not null && task is not null)
        {
            await notifications.QueueAsync(NotificationKind.Escalation, task.Id, lead, cancellationToken: cancellationToken);
        }

        return null;
    }
}
