using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Modules.Documents.Checkout;

/// <summary>
/// What the documents module needs of its check-out process. The module owns this contract; the process
/// (workflows/DocumentCheckout: the .bpmn, its handlers and this starter) implements it, so the module never
/// names a process variable or element itself.
/// </summary>
public interface ICheckoutProcess
{
    /// <summary>The process key (for messages and lists).</summary>
    string ProcessKey { get; }

    /// <summary>Starts the process for a document just locked by <paramref name="holder"/>, in the running engine command.</summary>
    Task<Guid> StartAsync(EngineUnit unit, Document document, CurrentUser holder, CancellationToken cancellationToken);

    /// <summary>The open check-in step of the lock's process, or null when the process has none (it was edited or broken).</summary>
    Task<Guid?> CheckInTaskAsync(Guid instanceId, CancellationToken cancellationToken);
}

/// <summary>
/// The holder's check-in step is done through <see cref="CheckIn"/> or <see cref="CancelCheckOut"/> (the document
/// page or its API), never straight from the inbox: those set the stored file and where the holder came from.
/// </summary>
internal sealed class CheckInTaskGuard : Crm.Workflow.Tasks.ITaskCompletionGuard
{
    public const string FormKey = "crm:document-checkin";

    public string? RefuseInboxCompletion(Crm.Workflow.Tasks.UserTask task) => task.FormKey == FormKey
        ? "Check the document in (or cancel the check-out) on the document's page."
        : null;
}

/// <summary>The lock every check-out use case and the process's handlers share.</summary>
public static class CheckoutLock
{
    public static void Release(Document document)
    {
        document.LockedBy = null;
        document.LockedAt = null;
        document.LockInstanceId = null;
        document.Revision++;
    }

    /// <summary>
    /// The caller must have write on the document and hold its lock; returns the open check-in step of the lock's
    /// process. Checked before any byte of a check-in is stored.
    /// </summary>
    public static async Task<Guid> HolderTaskAsync(DocumentAccess access, ICheckoutProcess process, Guid documentId, CurrentUser user, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(documentId, DocumentRights.Write, user, cancellationToken);
        if (document.LockedBy != user.UserName || document.LockInstanceId is not { } instanceId)
        {
            throw new ConflictException(document.LockedBy is null ? "The document is not checked out." : $"The document is checked out by {document.LockedBy}, not by you.");
        }

        return await process.CheckInTaskAsync(instanceId, cancellationToken)
            ?? throw new ConflictException("The check-out process has no open check-in step; a manager can force-unlock the document.");
    }
}
