using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.DocumentCheckout;

internal static class LockedDocument
{
    /// <summary>The process's document, which must still be locked by this very process instance.</summary>
    public static async Task<Document> LoadAsync(CrmDbContext db, CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == variables.DocumentId, cancellationToken)
            ?? throw new ServiceTaskFailedException($"Document {variables.DocumentId} does not exist.");
        if (document.LockInstanceId != context.InstanceId || document.LockedBy is null)
        {
            // The lock was taken away (force-unlock) while this step ran: the step read stale state. A conflict:
            // the command runs again, finds its task cancelled, and the caller gets a clear 409.
            throw new DbUpdateConcurrencyException("The document's lock no longer belongs to this check-out (it was force-unlocked).");
        }

        return document;
    }
}
