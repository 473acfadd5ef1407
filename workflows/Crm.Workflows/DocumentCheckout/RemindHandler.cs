using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>Records the reminder in the document's history (e-mail delivery comes with notifications).</summary>
[ServiceTaskHandler("crm.document.remind", DisplayName = "Remind a lock holder", Category = "Documents",
    Description = "Records a reminder to the holder of the check-out lock on 'documentId'.")]
public sealed class RemindHandler(CrmDbContext db, DocumentService documents) : ServiceTaskHandler<CheckoutVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, variables, context, cancellationToken);
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.CheckoutReminder, "system", AccessContext.Internal, new { holder = document.LockedBy, since = document.LockedAt });
        return null;
    }
}
