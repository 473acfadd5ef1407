using System.Text.Json;
using Crm.Engine.Documents;
using Crm.Engine.Identity;
using Crm.Engine.Persistence;
using Crm.Engine.Processes;
using Crm.Engine.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Engine.Audit;

/// <summary>
/// Which changes are security-relevant, read off the unit of work before it commits: sign-ins, permission and
/// membership changes, document views/downloads/check-outs (the register's events), deploys, task completions,
/// article opens and read confirmations. One place, so no feature can forget to audit. Bulk statements
/// (ExecuteUpdate/ExecuteDelete) bypass it and must add their own <see cref="AuditEntry"/> rows.
/// </summary>
internal static class AuditRules
{
    public static void Derive(CrmDbContext db, DateTimeOffset now)
    {
        var added = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            switch (entry.Entity)
            {
                case DocumentEvent e when entry.State == EntityState.Added:
                    added.Add(New(e.UserName, $"document.{e.Kind.ToString().ToLowerInvariant()}", "document", (e.DocumentId ?? e.FolderId)?.ToString(), e.At, e.Ip,
                        new { e.Version, e.Client, e.Details }));
                    break;
                case FolderPermissionEntry p when entry.State is EntityState.Added or EntityState.Deleted or EntityState.Modified:
                    added.Add(New("system", $"permission.{Verb(entry.State)}", "folder", p.FolderId.ToString(), now, null, new { principal = $"{p.PrincipalType}:{p.PrincipalId}", rights = p.Rights.ToString() }));
                    break;
                case DocumentPermissionEntry p when entry.State is EntityState.Added or EntityState.Deleted or EntityState.Modified:
                    added.Add(New("system", $"permission.{Verb(entry.State)}", "document", p.DocumentId.ToString(), now, null, new { principal = $"{p.PrincipalType}:{p.PrincipalId}", rights = p.Rights.ToString() }));
                    break;
                case User u when entry.State == EntityState.Modified && entry.Property(nameof(User.LastSignInAt)).IsModified:
                    added.Add(New(u.UserName, "auth.sign-in", "user", u.Id.ToString(), now, null, null));
                    break;
                case User u when entry.State == EntityState.Modified && entry.Property(nameof(User.FailedSignInCount)).IsModified && u.FailedSignInCount > 0:
                    added.Add(New(u.UserName, "auth.sign-in-failed", "user", u.Id.ToString(), now, null, new { failures = u.FailedSignInCount }));
                    break;
                case User u when entry.State == EntityState.Added:
                    added.Add(New("system", "identity.user-created", "user", u.Id.ToString(), now, null, new { u.UserName }));
                    break;
                case UserRole r when entry.State is EntityState.Added or EntityState.Deleted:
                    added.Add(New("system", $"identity.role-{Verb(entry.State)}", "user", r.UserId.ToString(), now, null, new { r.Role }));
                    break;
                case GroupMember m when entry.State is EntityState.Added or EntityState.Deleted:
                    added.Add(New("system", $"identity.member-{Verb(entry.State)}", "group", m.GroupId.ToString(), now, null, new { user = m.UserId }));
                    break;
                case ProcessDefinition d when entry.State == EntityState.Added:
                    added.Add(New(d.DeployedBy ?? "system", "process.deploy", "process", d.Key, d.DeployedAt, null, new { d.Version, d.XmlHash }));
                    break;
                case UserTask t when entry.State == EntityState.Modified && t.Status == Tasks.TaskStatus.Completed && entry.Property(nameof(UserTask.Status)).IsModified:
                    added.Add(New(t.CompletedBy ?? "system", "task.complete", "task", t.Id.ToString(), t.CompletedAt ?? now, null, new { t.ProcessKey, t.ElementId, t.InstanceId }));
                    break;
                case Knowledge.ArticleOpen o when entry.State == EntityState.Added:
                    added.Add(New(o.UserName, "kb.open", "article", o.ArticleId.ToString(), o.At, o.Ip, new { o.Version, o.Client }));
                    break;
                case Knowledge.ReadConfirmation c when entry.State == EntityState.Added:
                    added.Add(New(c.UserName, "kb.confirm-read", "article", c.ArticleId.ToString(), c.At, c.Ip, new { c.Version, c.Client, c.AssignmentId }));
                    break;
            }
        }

        db.AuditLog.AddRange(added);
    }

    private static string Verb(EntityState state) => state switch
    {
        EntityState.Added => "grant",
        EntityState.Deleted => "revoke",
        _ => "change",
    };

    private static AuditEntry New(string actor, string action, string subjectType, string? subjectId, DateTimeOffset at, string? ip, object? data) => new()
    {
        Actor = actor,
        Action = action,
        SubjectType = subjectType,
        SubjectId = subjectId,
        At = at,
        Ip = ip,
        Data = data is null ? null : JsonSerializer.Serialize(data),
    };
}
