using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Modules.Documents.Checkout;
using Crm.Platform.Persistence;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>Adds the checked-in version and releases the lock, inside the check-out process's step (one commit).</summary>
[ServiceTaskHandler("crm.document.checkin", DisplayName = "Check in a document", Category = "Documents",
    Description = "Adds the uploaded file (variable 'file') as a new version of 'documentId' and releases the holder's lock.")]
[HandlerOutput("version", "number", Description = "the new version number")]
public sealed class CheckInHandler(CrmDbContext db, DocumentService documents) : ServiceTaskHandler<CheckoutVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(CheckoutVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, variables, context, cancellationToken);
        var file = context.Variables.GetValueOrDefault("file") as JsonObject
            ?? throw new ServiceTaskFailedException("The check-in has no file (variable 'file').");
        var stored = new StoredFile(
            file["fileName"]?.GetValue<string>() ?? "file",
            file["contentType"]?.GetValue<string>() ?? "application/octet-stream",
            file["sha256"]?.GetValue<string>() ?? throw new ServiceTaskFailedException("The file has no sha256."),
            file["size"]?.GetValue<long>() ?? 0);
        var holder = document.LockedBy!;
        var version = documents.AppendVersion(document, stored, context.Variables.GetValueOrDefault("comment")?.ToString(), holder, variables.From);
        CheckoutLock.Release(document);
        documents.Record(document.Id, version, DocumentEventKind.Unlocked, holder, variables.From, new { checkedIn = version });
        return new Dictionary<string, JsonNode?> { ["version"] = version };
    }
}
