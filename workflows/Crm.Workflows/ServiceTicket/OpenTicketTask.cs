using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.ServiceTicket;

/// <summary>The ticket process's open task (what the lead's mail is about).</summary>
public sealed class OpenTicketTask(CrmDbContext db)
{
    public async Task<Guid?> OfAsync(Guid instanceId, CancellationToken cancellationToken) =>
        await db.UserTasks.AsNoTracking().Where(t => t.InstanceId == instanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null)
            .OrderBy(t => t.CreatedAt).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken);
}
