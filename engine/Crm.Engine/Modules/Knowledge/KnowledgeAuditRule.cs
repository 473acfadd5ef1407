using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Knowledge;

/// <summary>Article opens and read confirmations: the compliance evidence.</summary>
internal sealed class KnowledgeAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        ArticleOpen o when entry.State == EntityState.Added =>
            Audited.Row(o.UserName, "kb.open", "article", o.ArticleId.ToString(), o.At, o.Ip, new { o.Version, o.Client }),
        ReadConfirmation c when entry.State == EntityState.Added =>
            Audited.Row(c.UserName, "kb.confirm-read", "article", c.ArticleId.ToString(), c.At, c.Ip, new { c.Version, c.Client, c.AssignmentId }),
        _ => null,
    };
}
