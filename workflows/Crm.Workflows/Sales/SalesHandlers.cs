using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Modules.Counterparties;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.Sales;

/// <summary>Keeps the case's phase in step with the sales-cycle process (same commit as the step).</summary>
[ServiceTaskHandler("crm.case.move", DisplayName = "Move a case to a phase", Category = "CRM",
    Description = "Sets the phase of 'caseId' to one of the case phases defined in the CRM settings (built in: qualification, offer, negotiation), won or lost (with the variable 'lostReason').")]
[HandlerInput("phase", Required = true, Description = "a case phase, won or lost (may be an expression)")]
public sealed class MoveCaseHandler(CaseService cases) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var caseId = Guid.TryParse(context.Variables.GetValueOrDefault("caseId")?.ToString(), out var id) ? id : throw new ServiceTaskFailedException("The process has no valid 'caseId'.");
        var phase = context.Inputs.GetValueOrDefault("phase")?.ToString() ?? throw new ServiceTaskFailedException("Give the input 'phase'.");
        var moved = await cases.MoveAsync(caseId, phase, context.Variables.GetValueOrDefault("lostReason")?.ToString(), cancellationToken, by: "sales-cycle");
        return new Dictionary<string, JsonNode?> { ["phase"] = moved.Phase };
    }
}

/// <summary>A phase stalls: the owner gets a reminder on their open task of this case.</summary>
[ServiceTaskHandler("crm.case.remind", DisplayName = "Remind the case owner", Category = "CRM",
    Description = "Queues a reminder mail to the owner about the open task of this instance.")]
public sealed class RemindCaseOwnerHandler(CrmDbContext db, TimeProvider clock) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var task = await db.UserTasks.AsNoTracking().Where(t => t.InstanceId == context.InstanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (task?.Assignee is { } owner)
        {
            db.Notifications.Add(new Notification { Kind = NotificationKind.Reminder, TaskId = task.Id, Recipient = owner, CreatedAt = clock.GetUtcNow() });
        }

        return null;
    }
}
