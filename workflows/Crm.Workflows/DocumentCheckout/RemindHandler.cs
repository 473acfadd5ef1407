using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>The lock's reminder timer fired: the holder gets one reminder mail about their check-in step, and the register notes it.</summary>
[ServiceTaskHandler("crm.document.remind", DisplayName = "Remind a lock holder", Category = "Documents",
    Description = "Mails the holder of the check-out lock on 'documentId' a reminder about their check-in step and records it in the register.")]
public sealed class RemindHandler(CrmDbContext db, DocumentService documents, NotificationOutbox notifications) : ServiceTaskHandler<CheckoutVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, variables, context, cancellationToken);
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.CheckoutReminder, "system", AccessContext.Internal, new { holder = document.LockedBy, since = document.LockedAt });
        var checkIn = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == context.InstanceId && t.ElementId == CheckoutProcess.CheckInTaskId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null)
            .Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken);
        if (checkIn is { } taskId)
        {
            await notifications.QueueAsync(NotificationKind.Reminder, taskId, document.LockedBy, cancellationToken: cancellationToken);
        }
        return null;
    }
}
