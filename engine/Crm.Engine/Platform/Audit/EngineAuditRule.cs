using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Platform.Audit;

/// <summary>Deploys and task completions (the engine knows nothing of audit; the platform watches its rows).</summary>
internal sealed class EngineAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        ProcessDefinition d when entry.State == EntityState.Added =>
            Audited.Row(d.DeployedBy ?? "system", "process.deploy", "process", d.Key, d.DeployedAt, null, new { d.Version, d.XmlHash }),
        UserTask t when entry.State == EntityState.Modified && t.Status == TaskStatus.Completed && entry.Property(nameof(UserTask.Status)).IsModified =>
            Audited.Row(t.CompletedBy ?? "system", "task.complete", "task", t.Id.ToString(), t.CompletedAt ?? now, null, new { t.ProcessKey, t.ElementId, t.InstanceId }),
        _ => null,
    };
}
