using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Documents;

/// <summary>
/// Check-out and check-in, run by the <c>document-checkout</c> process (editable like any process). Check-out
/// takes the lock and starts the process in one commit; check-in stores the bytes, then completes the
/// process's check-in task, whose service step adds the version and releases the lock in that same commit.
/// </summary>
public sealed class CheckoutService(
    CrmDbContext db, DocumentAccess access, DocumentService documents, ProcessEngine engine, TaskService tasks,
    IOptions<DocumentOptions> options, TimeProvider clock)
{
    public const string ProcessKey = "document-checkout";
    public const string CheckInTaskId = "checkIn";

    public Task<DocumentView> CheckOutAsync(Guid id, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            var (document, rights) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken, tracking: true);
            if (document.LockedBy is { } holder)
            {
                throw new ConflictException(holder == user.UserName
                    ? $"You ({holder}) have already checked out this document."
                    : $"The document is checked out by {holder} since {document.LockedAt:yyyy-MM-dd HH:mm} UTC.");
            }

            DefinitionRef definition;
            try
            {
                definition = await engine.Models.LatestAsync(db, ProcessKey, cancellationToken);
            }
            catch (NotFoundException)
            {
                throw new ConflictException($"The check-out process '{ProcessKey}' is not deployed; ask an admin to restart the server or deploy it.");
            }

            var now = clock.GetUtcNow();
            document.LockedBy = user.UserName;
            document.LockedAt = now;
            document.Revision++;
            var variables = new Dictionary<string, JsonNode?>
            {
                ["documentId"] = document.Id.ToString(),
                ["title"] = document.Title,
                ["holder"] = user.UserName,
                ["folderId"] = document.FolderId.ToString(),
                ["remindAfter"] = options.Value.CheckoutReminder,
                ["lockLimit"] = options.Value.LockLimit,
            };
            var instance = await unit.StartAsync(definition, null, variables, document.Id.ToString(), user.UserName, cancellationToken);
            document.LockInstanceId = instance.Id;
            documents.Record(id, document.CurrentVersion, DocumentEventKind.Locked, user.UserName, from, new { instance = instance.Id });
            return DocumentService.View(document, rights);
        }, cancellationToken);

    /// <summary>Completes the check-in task with the stored bytes (the process adds the version and releases the lock).</summary>
    public async Task<int> CheckInAsync(Guid id, StoredFile stored, string? comment, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var taskId = await HolderTaskAsync(id, user, cancellationToken);
        await tasks.CompleteAsync(taskId, new Dictionary<string, JsonNode?>
        {
            ["action"] = "checkin",
            ["file"] = new JsonObject { ["fileName"] = stored.FileName, ["contentType"] = stored.ContentType, ["sha256"] = stored.Sha256, ["size"] = stored.Size },
            ["comment"] = comment,
            ["ip"] = from.Ip,
            ["client"] = from.Client,
        }, user, cancellationToken);
        return await db.Documents.AsNoTracking().Where(d => d.Id == id).Select(d => d.CurrentVersion).SingleAsync(cancellationToken);
    }

    public async Task CancelCheckOutAsync(Guid id, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var taskId = await HolderTaskAsync(id, user, cancellationToken);
        await tasks.CompleteAsync(taskId, new Dictionary<string, JsonNode?> { ["action"] = "cancel", ["ip"] = from.Ip, ["client"] = from.Client }, user, cancellationToken);
    }

    /// <summary>A manager ends someone else's lock: the check-out process is cancelled and the unlock recorded, in one commit.</summary>
    public Task<DocumentView> ForceUnlockAsync(Guid id, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            var (document, rights) = await access.RequireAsync(id, DocumentRights.Manage, user, cancellationToken, tracking: true);
            if (document.LockedBy is not { } holder)
            {
                throw new ConflictException("The document is not checked out.");
            }

            if (document.LockInstanceId is { } instanceId
                && await db.ProcessInstances.SingleOrDefaultAsync(i => i.Id == instanceId && i.Status == InstanceStatus.Active, cancellationToken) is { } instance)
            {
                await unit.CancelAsync(instance, user.UserName, cancellationToken);
            }

            Release(document);
            documents.Record(id, document.CurrentVersion, DocumentEventKind.ForceUnlocked, user.UserName, from, new { holder });
            return DocumentService.View(document, rights);
        }, cancellationToken);

    public static void Release(Document document)
    {
        document.LockedBy = null;
        document.LockedAt = null;
        document.LockInstanceId = null;
        document.Revision++;
    }

    private async Task<Guid> HolderTaskAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken);
        if (document.LockedBy != user.UserName)
        {
            throw new ConflictException(document.LockedBy is null ? "The document is not checked out." : $"The document is checked out by {document.LockedBy}, not by you.");
        }

        return await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == document.LockInstanceId && t.ElementId == CheckInTaskId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open)
            .Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ConflictException("The check-out process has no open check-in step; a manager can force-unlock the document.");
    }
}
