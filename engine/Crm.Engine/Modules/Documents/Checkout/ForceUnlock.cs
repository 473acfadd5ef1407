using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents.Checkout;

/// <summary>
/// A manager ends someone else's lock (use case; API and document page): the check-out process is cancelled
/// and the unlock recorded, in one commit.
/// </summary>
public sealed class ForceUnlock(CrmDbContext db, DocumentAccess access, DocumentService documents, ProcessEngine engine)
{
    public Task<DocumentView> RunAsync(Guid documentId, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            var (document, rights) = await access.RequireAsync(documentId, DocumentRights.Manage, user, cancellationToken, tracking: true);
            if (document.LockedBy is not { } holder)
            {
                throw new ConflictException("The document is not checked out.");
            }

            if (document.LockInstanceId is { } instanceId
                && await db.ProcessInstances.SingleOrDefaultAsync(i => i.Id == instanceId && i.Status == InstanceStatus.Active, cancellationToken) is { } instance)
            {
                await unit.CancelAsync(instance, user.UserName, cancellationToken);
            }

            CheckoutLock.Release(document);
            documents.Record(documentId, document.CurrentVersion, DocumentEventKind.ForceUnlocked, user.UserName, from, new { holder });
            return DocumentService.View(document, rights);
        }, cancellationToken);
}
