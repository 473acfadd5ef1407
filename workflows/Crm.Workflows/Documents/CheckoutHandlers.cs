using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflows.Documents;

/// <summary>Adds the checked-in version and releases the lock, inside the check-out process's step (one commit).</summary>
[ServiceTaskHandler("crm.document.checkin", DisplayName = "Check in a document", Category = "Documents",
    Description = "Adds the uploaded file (variable 'file') as a new version of 'documentId' and releases the holder's lock.")]
public sealed class CheckInHandler(CrmDbContext db, DocumentService documents) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, context, cancellationToken);
        var file = context.Variables.GetValueOrDefault("file") as JsonObject
            ?? throw new ServiceTaskFailedException("The check-in has no file (variable 'file').");
        var stored = new StoredFile(
            file["fileName"]?.GetValue<string>() ?? "file",
            file["contentType"]?.GetValue<string>() ?? "application/octet-stream",
            file["sha256"]?.GetValue<string>() ?? throw new ServiceTaskFailedException("The file has no sha256."),
            file["size"]?.GetValue<long>() ?? 0);
        var holder = document.LockedBy!;
        var from = LockedDocument.From(context);
        var version = documents.AppendVersion(document, stored, context.Variables.GetValueOrDefault("comment")?.ToString(), holder, from);
        CheckoutService.Release(document);
        documents.Record(document.Id, version, DocumentEventKind.Unlocked, holder, from, new { checkedIn = version });
        return new Dictionary<string, JsonNode?> { ["version"] = version };
    }
}

/// <summary>Releases the lock without a new version (check-out cancelled).</summary>
[ServiceTaskHandler("crm.document.release", DisplayName = "Release a document lock", Category = "Documents",
    Description = "Releases the check-out lock on 'documentId' held by this process, without a new version.")]
public sealed class ReleaseHandler(CrmDbContext db, DocumentService documents) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, context, cancellationToken);
        var holder = document.LockedBy!;
        CheckoutService.Release(document);
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.Unlocked, holder, LockedDocument.From(context), new { cancelled = true });
        return null;
    }
}

/// <summary>Records the reminder in the document's history (e-mail delivery comes with notifications).</summary>
[ServiceTaskHandler("crm.document.remind", DisplayName = "Remind a lock holder", Category = "Documents",
    Description = "Records a reminder to the holder of the check-out lock on 'documentId'.")]
public sealed class RemindHandler(CrmDbContext db, DocumentService documents) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, context, cancellationToken);
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.CheckoutReminder, "system", AccessContext.Internal, new { holder = document.LockedBy, since = document.LockedAt });
        return null;
    }
}

/// <summary>Finds who manages the document's folders (users, and members of groups, with manage) for the overdue-lock task.</summary>
[ServiceTaskHandler("crm.document.lock-overdue", DisplayName = "Find the managers of an overdue lock", Category = "Documents",
    Description = "Sets 'managers' to the users with manage on the folders of 'documentId' and records the overdue lock.")]
public sealed class LockOverdueHandler(CrmDbContext db, DocumentService documents) : IServiceTaskHandler
{
    public async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var document = await LockedDocument.LoadAsync(db, context, cancellationToken);
        var parents = await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var path = FolderService.Ancestry(document.FolderId, parents);
        var entries = await db.FolderPermissions.AsNoTracking().Where(p => path.Contains(p.FolderId) && (p.Rights & DocumentRights.Manage) != 0).ToListAsync(cancellationToken);
        var groupNames = entries.Where(e => e.PrincipalType == PrincipalType.Group).Select(e => e.PrincipalId).ToList();
        var members = await db.GroupMembers.AsNoTracking().Where(m => groupNames.Contains(m.Group!.Name)).Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.UserName).ToListAsync(cancellationToken);
        var managers = entries.Where(e => e.PrincipalType == PrincipalType.User).Select(e => e.PrincipalId).Concat(members).Distinct().Order().ToList();
        documents.Record(document.Id, document.CurrentVersion, DocumentEventKind.LockOverdue, "system", AccessContext.Internal, new { holder = document.LockedBy, managers });
        return new Dictionary<string, JsonNode?> { ["managers"] = new JsonArray([.. managers.Select(m => (JsonNode?)m)]) };
    }
}

internal static class LockedDocument
{
    /// <summary>The process's document, which must still be locked by this very process instance.</summary>
    public static async Task<Document> LoadAsync(CrmDbContext db, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var id = Guid.TryParse(context.Variables.GetValueOrDefault("documentId")?.ToString(), out var parsed) ? parsed
            : throw new ServiceTaskFailedException("The process has no documentId.");
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == id, cancellationToken)
            ?? throw new ServiceTaskFailedException($"Document {id} does not exist.");
        if (document.LockInstanceId != context.InstanceId || document.LockedBy is null)
        {
            throw new ServiceTaskFailedException("The document's lock no longer belongs to this check-out (it was force-unlocked).");
        }

        return document;
    }

    public static AccessContext From(ServiceTaskContext context) =>
        new(context.Variables.GetValueOrDefault("ip")?.ToString(), context.Variables.GetValueOrDefault("client")?.ToString());
}
