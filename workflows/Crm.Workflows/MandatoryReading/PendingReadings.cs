using Crm.Modules.Knowledge;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Workflows.MandatoryReading;

internal static class PendingReadings
{
    /// <summary>Open reading tasks of this instance whose reader has not confirmed.</summary>
    public static async Task<List<(Guid TaskId, string Reader)>> OfAsync(CrmDbContext db, ReadingVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var assignmentId = variables.AssignmentId;
        var rows = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == context.InstanceId && t.Status == TaskStatus.Open && t.FormKey == ReadingService.ReadingFormKey && t.Assignee != null)
            .Where(t => db.ReadingRequirements.Any(r => r.AssignmentId == assignmentId && r.UserName == t.Assignee && r.Status == RequirementStatus.Pending))
            .Select(t => new { t.Id, t.Assignee }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Id, r.Assignee!))];
    }
}
