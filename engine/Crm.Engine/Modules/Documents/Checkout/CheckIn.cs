using System.Text.Json.Nodes;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents.Checkout;

/// <summary>
/// Check-in (use case; the API endpoint and the document page both call it). The rights check comes first,
/// once: write on the document and holding its lock; only then are the bytes stored (by content hash), and
/// the process's check-in step completes, whose service step adds the version and releases the lock in the
/// same commit. A refused check-in stores nothing.
/// </summary>
public sealed class CheckIn(CrmDbContext db, DocumentAccess access, DocumentService documents, ICheckoutProcess process, CompleteTask complete)
{
    /// <summary>The check before any byte is read: returns the check-in step to complete.</summary>
    public Task<Guid> AuthorizeAsync(Guid documentId, CurrentUser user, CancellationToken cancellationToken) =>
        CheckoutLock.HolderTaskAsync(access, process, documentId, user, cancellationToken);

    /// <summary>Checks, stores the bytes, completes the check-in; returns the new version number.</summary>
    public async Task<int> RunAsync(Guid documentId, UploadedFile file, string? comment, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var taskId = await AuthorizeAsync(documentId, user, cancellationToken);
        var stored = await documents.StoreAsync(file, cancellationToken);
        return await CompleteAsync(documentId, taskId, stored, comment, user, from, cancellationToken);
    }

    /// <summary>
    /// For a streamed upload (the API's multipart body), where <see cref="AuthorizeAsync"/> ran before the file part
    /// was read and the bytes are already stored: completes the check-in step with them.
    /// </summary>
    public async Task<int> CompleteAsync(Guid documentId, Guid checkInTaskId, StoredFile stored, string? comment, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        // Set by this use case, never by the request: the stored file, where the holder came from.
        await complete.RunAsync(checkInTaskId, null, user, cancellationToken, byOwningUseCase: true, trusted: new Dictionary<string, JsonNode?>
        {
            ["action"] = "checkin",
            ["file"] = new JsonObject { ["fileName"] = stored.FileName, ["contentType"] = stored.ContentType, ["sha256"] = stored.Sha256, ["size"] = stored.Size },
            ["comment"] = comment,
            ["ip"] = from.Ip,
            ["client"] = from.Client,
        });
        return await db.Documents.AsNoTracking().Where(d => d.Id == documentId).Select(d => d.CurrentVersion).SingleAsync(cancellationToken);
    }
}
