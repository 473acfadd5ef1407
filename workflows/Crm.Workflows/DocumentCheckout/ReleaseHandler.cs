using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Modules.Documents.Checkout;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>Releases the lock without a new version (check-out cancelled).</summary>
[ServiceTaskHandler("crm.document.release", DisplayName = "Release a document lock", Category = "Documents",
    Description = "Releases the check-out lock on 'documentId' held by this process, without a new version.")]
public sealed class ReleaseHandler(CrmDbContext db, DocumentService documents) : ServiceTaskHandler<CheckoutVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, variables, context, cancellationToken);
        var holder = document.LockedBy!;
        CheckoutLock.Release(document);
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.Unlocked, holder, variables.From, new { cancelled = true });
        return null;
    }
}
