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
            throw new ServiceTaskFailedException("The document's lock no longer belongs to this check-out (it was force-unlocked).");
        }

        return document;
    }
}
