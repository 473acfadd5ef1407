using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>Finds who manages the document's folders (users, and members of groups, with manage) for the overdue-lock task.</summary>
[ServiceTaskHandler("crm.document.lock-overdue", DisplayName = "Find the managers of an overdue lock", Category = "Documents",
    Description = "Sets 'managers' to the users with manage on the folders of 'documentId' and records the overdue lock.")]
[HandlerOutput("managers", "list", Description = "user names of the folder managers")]
public sealed class LockOverdueHandler(CrmDbContext db, DocumentService documents) : ServiceTaskHandler<CheckoutVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, variables, context, cancellationToken);
        var parents = await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var path = FolderService.Ancestry(document.FolderId, parents);
        var entries = await db.FolderPermissions.AsNoTracking().Where(p => path.Contains(p.FolderId) && (p.Rights & DocumentRights.Manage) != 0).ToListAsync(cancellationToken);
        var groupNames = entries.Where(e => e.PrincipalType == PrincipalType.Group).Select(e => e.PrincipalId).ToList();
        var members = await db.GroupMembers.AsNoTracking().Where(m => groupNames.Contains(m.Group!.Name)).Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.UserName).ToListAsync(cancellationToken);
        var managers = entries.Where(e => e.PrincipalType == PrincipalType.User).Select(e => e.PrincipalId).Concat(members).Distinct().Order().ToList();
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.LockOverdue, "system", AccessContext.Internal, new { holder = document.LockedBy, managers });
        return new Dictionary<string, JsonNode?> { ["managers"] = new JsonArray([.. managers.Select(m => (JsonNode?)m)]) };
    }
}
