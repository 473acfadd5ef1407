using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Modules.Documents.Checkout;

/// <summary>
/// Check-out (use case; the API endpoint and the document page both call it): with write on the document and
/// no lock on it, the caller takes the lock and the check-out process starts, in one commit. Two people at
/// once: one wins, the other gets a 409 naming the holder.
/// </summary>
public sealed class CheckOut(DocumentAccess access, DocumentService documents, ProcessEngine engine, ICheckoutProcess process, TimeProvider clock)
{
    public Task<DocumentView> RunAsync(Guid documentId, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            var (document, rights) = await access.RequireAsync(documentId, DocumentRights.Write, user, cancellationToken, tracking: true);
            if (document.LockedBy is { } holder)
            {
                throw new ConflictException(holder == user.UserName
                    ? $"You ({holder}) have already checked out this document."
                    : $"The document is checked out by {holder} since {document.LockedAt:yyyy-MM-dd HH:mm} UTC.");
            }

            document.LockedBy = user.UserName;
            document.LockedAt = clock.GetUtcNow();
            document.Revision++;
            var instanceId = await process.StartAsync(unit, document, user, cancellationToken);
            document.LockInstanceId = instanceId;
            documents.Record(documentId, document.CurrentVersion, DocumentEventKind.Locked, user.UserName, from, new { instance = instanceId });
            return DocumentService.View(document, rights);
        }, cancellationToken);
}
