using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Modules.Knowledge;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Workflows.Knowledge;

/// <summary>The reviewer published: the version becomes visible; a new major version starts the article's readings again.</summary>
[ServiceTaskHandler("crm.kb.publish", DisplayName = "Publish an article version", Category = "Knowledge base",
    Description = "Publishes 'versionId' (reviewer = who completed the review, 'comment'); a new major version re-triggers the article's mandatory readings.")]
public sealed class PublishArticleHandler(ArticleService articles, ReadingService readings) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var versionId = KnowledgeVariables.Guid(context, "versionId");
        var reviewer = context.UserName ?? "system";
        var (published, previous) = await articles.PublishAsync(versionId, reviewer, context.Variables.GetValueOrDefault("comment")?.ToString(), cancellationToken);
        var reread = previous is not null && published.Major > previous.Major ? await readings.RetriggerAsync(published.ArticleId, published, reviewer, cancellationToken) : 0;
        return new Dictionary<string, JsonNode?> { ["publishedVersion"] = published.Label, ["rereadAssignments"] = reread };
    }
}

[ServiceTaskHandler("crm.kb.return", DisplayName = "Return an article to its author", Category = "Knowledge base",
    Description = "Marks 'versionId' returned with the reviewer's 'comment'; the author edits and submits again.")]
public sealed class ReturnArticleHandler(ArticleService articles) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await articles.ReturnAsync(KnowledgeVariables.Guid(context, "versionId"), context.UserName ?? "system", context.Variables.GetValueOrDefault("comment")?.ToString(), cancellationToken);
        return null;
    }
}

/// <summary>Queues a reminder mail for every reader of this instance who has not confirmed yet.</summary>
[ServiceTaskHandler("crm.kb.remind", DisplayName = "Remind pending readers", Category = "Knowledge base",
    Description = "Notifies each reader of 'assignmentId' in this instance who has not confirmed yet.")]
public sealed class RemindReadersHandler(CrmDbContext db, TimeProvider clock) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var pending = await KnowledgeVariables.PendingTasksAsync(db, context, cancellationToken);
        db.Notifications.AddRange(pending.Select(p => new Notification { Kind = NotificationKind.Reminder, TaskId = p.TaskId, Recipient = p.Reader, CreatedAt = clock.GetUtcNow() }));
        return new Dictionary<string, JsonNode?> { ["reminded"] = pending.Count };
    }
}

/// <summary>At the deadline: each pending reader's supervisor (their manager) is told.</summary>
[ServiceTaskHandler("crm.kb.escalate", DisplayName = "Escalate overdue readings", Category = "Knowledge base",
    Description = "Notifies the manager of each reader of 'assignmentId' in this instance who has not confirmed by the deadline.")]
public sealed class EscalateReadersHandler(CrmDbContext db, TimeProvider clock) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var pending = await KnowledgeVariables.PendingTasksAsync(db, context, cancellationToken);
        var readers = pending.Select(p => p.Reader).ToList();
        var managers = await db.Users.AsNoTracking().Where(u => readers.Contains(u.UserName) && u.ManagerId != null)
            .Join(db.Users, u => u.ManagerId, m => m.Id, (u, m) => new { Reader = u.UserName, Manager = m.UserName }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var item in pending)
        {
            if (managers.FirstOrDefault(m => m.Reader == item.Reader) is { } manager)
            {
                db.Notifications.Add(new Notification { Kind = NotificationKind.Escalation, TaskId = item.TaskId, Recipient = manager.Manager, CreatedAt = now });
            }
        }

        return new Dictionary<string, JsonNode?> { ["escalated"] = pending.Count };
    }
}

[ServiceTaskHandler("crm.kb.complete-assignment", DisplayName = "Complete a reading assignment", Category = "Knowledge base",
    Description = "Marks 'assignmentId' completed when nobody is pending any more.")]
public sealed class CompleteAssignmentHandler(ReadingService readings) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await readings.CompleteIfDoneAsync(KnowledgeVariables.Guid(context, "assignmentId"), cancellationToken);
        return null;
    }
}

internal static class KnowledgeVariables
{
    public static Guid Guid(ServiceTaskContext context, string name) =>
        System.Guid.TryParse(context.Variables.GetValueOrDefault(name)?.ToString(), out var id) ? id
        : throw new ServiceTaskFailedException($"The process has no valid '{name}'.");

    /// <summary>Open reading tasks of this instance whose reader has not confirmed.</summary>
    public static async Task<List<(Guid TaskId, string Reader)>> PendingTasksAsync(CrmDbContext db, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var assignmentId = Guid(context, "assignmentId");
        var rows = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == context.InstanceId && t.Status == TaskStatus.Open && t.FormKey == ReadingService.ReadingFormKey && t.Assignee != null)
            .Where(t => db.ReadingRequirements.Any(r => r.AssignmentId == assignmentId && r.UserName == t.Assignee && r.Status == RequirementStatus.Pending))
            .Select(t => new { t.Id, t.Assignee }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Id, r.Assignee!))];
    }
}
