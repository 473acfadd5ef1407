using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Documents;

/// <summary>The register's events (views, downloads, check-outs ...) and permission changes on folders and documents.</summary>
internal sealed class DocumentAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        DocumentEvent e when entry.State == EntityState.Added =>
            Audited.Row(e.UserName, $"document.{e.Kind.ToString().ToLowerInvariant()}", "document", (e.DocumentId ?? e.FolderId)?.ToString(), e.At, e.Ip,
                new { e.Version, e.Client, e.Details }),
        FolderPermissionEntry p when entry.State is EntityState.Added or EntityState.Deleted or EntityState.Modified =>
            Audited.Row(AuditActor.Or("system"), $"permission.{Audited.Verb(entry.State)}", "folder", p.FolderId.ToString(), now, null, new { principal = $"{p.PrincipalType}:{p.PrincipalId}", rights = p.Rights.ToString() }),
        DocumentPermissionEntry p when entry.State is EntityState.Added or EntityState.Deleted or EntityState.Modified =>
            Audited.Row(AuditActor.Or("system"), $"permission.{Audited.Verb(entry.State)}", "document", p.DocumentId.ToString(), now, null, new { principal = $"{p.PrincipalType}:{p.PrincipalId}", rights = p.Rights.ToString() }),
        _ => null,
    };
}
