using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

public sealed record CreateFolderRequest(string Name, Guid? ParentId);

public sealed record FolderView(Guid Id, string Name, Guid? ParentId, IReadOnlyList<string> Rights);

public sealed record DocumentSummary(Guid Id, string Title, string? Type, string Owner, string Status, int CurrentVersion, string? LockedBy, DateTimeOffset UpdatedAt);

public sealed record FolderChildren(FolderView Folder, IReadOnlyList<FolderView> Folders, IReadOnlyList<DocumentSummary> Documents, int TotalDocuments);

public sealed record PermissionEntry(string PrincipalType, string PrincipalId, IReadOnlyList<string> Rights);

/// <summary>Folders (binders) and the permissions on folders and documents.</summary>
public sealed class FolderService(CrmDbContext db, DocumentAccess access, DocumentService documents, TimeProvider clock)
{
    public async Task<FolderView> CreateAsync(CreateFolderRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200 || name.Contains('/', StringComparison.Ordinal))
        {
            throw ValidationFailedException.For("name", "Give the folder a name of at most 200 characters, without '/'.");
        }

        if (request.ParentId is { } parent)
        {
            await access.RequireFolderAsync(parent, DocumentRights.Manage, user, cancellationToken);
        }
        else if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only admins create top-level folders.");
        }

        if (await db.Folders.AnyAsync(f => f.ParentId == request.ParentId && f.Name == name, cancellationToken))
        {
            throw new ConflictException($"A folder named '{name}' already exists here.");
        }

        var folder = new Folder { Name = name, ParentId = request.ParentId, CreatedAt = clock.GetUtcNow(), CreatedBy = user.UserName };
        db.Folders.Add(folder);
        await db.SaveChangesAsync(cancellationToken);
        access.Invalidate();
        return new FolderView(folder.Id, folder.Name, folder.ParentId, Names(await access.FolderRightsAsync(folder.Id, user, cancellationToken)));
    }

    /// <summary>Every folder the user can read, for the tree (a readable folder under an unreadable one hangs from its nearest readable ancestor).</summary>
    public async Task<List<FolderView>> TreeAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var rights = await access.FolderRightsAsync(user, cancellationToken);
        var folders = await db.Folders.AsNoTracking().OrderBy(f => f.Name).ToListAsync(cancellationToken);
        var readable = folders.Where(f => rights.GetValueOrDefault(f.Id).HasFlag(DocumentRights.Read)).ToDictionary(f => f.Id);
        var byId = folders.ToDictionary(f => f.Id);
        Guid? VisibleParent(Guid? parent)
        {
            while (parent is { } id && !readable.ContainsKey(id))
            {
                parent = byId[id].ParentId;
            }

            return parent;
        }

        return [.. readable.Values.Select(f => new FolderView(f.Id, f.Name, VisibleParent(f.ParentId), Names(rights[f.Id])))];
    }

    public async Task<FolderChildren> ChildrenAsync(Guid id, string? type, string? status, string? owner, string? sortBy, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.RequireFolderAsync(id, DocumentRights.Read, user, cancellationToken);
        var rights = await access.FolderRightsAsync(user, cancellationToken);
        var folder = await db.Folders.AsNoTracking().SingleAsync(f => f.Id == id, cancellationToken);
        var subfolders = (await db.Folders.AsNoTracking().Where(f => f.ParentId == id).OrderBy(f => f.Name).ToListAsync(cancellationToken))
            .Where(f => rights.GetValueOrDefault(f.Id).HasFlag(DocumentRights.Read))
            .Select(f => new FolderView(f.Id, f.Name, f.ParentId, Names(rights[f.Id]))).ToList();
        var query = (await access.ReadableAsync(user, cancellationToken)).AsNoTracking().Where(d => d.FolderId == id);
        if (!string.IsNullOrWhiteSpace(type))
        {
            query = query.Where(d => d.Type == type);
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            var parsed = Enum.TryParse<DocumentStatus>(status, true, out var s) && Enum.IsDefined(s) ? s : throw ValidationFailedException.For("status", "Use draft, inreview, approved or archived.");
            query = query.Where(d => d.Status == parsed);
        }

        if (!string.IsNullOrWhiteSpace(owner))
        {
            query = query.Where(d => d.Owner == owner);
        }

        query = (sortBy ?? "title").ToLowerInvariant() switch
        {
            "title" => query.OrderBy(d => d.Title),
            "updated" => query.OrderByDescending(d => d.UpdatedAt),
            "type" => query.OrderBy(d => d.Type).ThenBy(d => d.Title),
            _ => throw ValidationFailedException.For("sortBy", "Use title, updated or type."),
        };
        (page, pageSize) = Crm.Workflow.Processes.Paging.Normalize(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(d => new DocumentSummary(d.Id, d.Title, d.Type, d.Owner, d.Status.ToString(), d.CurrentVersion, d.LockedBy, d.UpdatedAt))
            .ToListAsync(cancellationToken);
        return new FolderChildren(new FolderView(folder.Id, folder.Name, folder.ParentId, Names(rights[id])), subfolders, items, total);
    }

    public async Task<List<PermissionEntry>> FolderPermissionsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.RequireFolderAsync(id, DocumentRights.Read, user, cancellationToken);
        return [.. (await db.FolderPermissions.AsNoTracking().Where(p => p.FolderId == id).ToListAsync(cancellationToken))
            .OrderBy(p => p.PrincipalType).ThenBy(p => p.PrincipalId).Select(p => Entry(p.PrincipalType, p.PrincipalId, p.Rights))];
    }

    /// <summary>Replaces a folder's entries (manage right); every document below is re-indexed with the new access.</summary>
    public async Task<List<PermissionEntry>> SetFolderPermissionsAsync(Guid id, IReadOnlyList<PermissionEntry> entries, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        await access.RequireFolderAsync(id, DocumentRights.Manage, user, cancellationToken);
        var parsed = await ParseAsync(entries, cancellationToken);
        db.FolderPermissions.RemoveRange(await db.FolderPermissions.Where(p => p.FolderId == id).ToListAsync(cancellationToken));
        db.FolderPermissions.AddRange(parsed.Select(e => new FolderPermissionEntry { FolderId = id, PrincipalType = e.Type, PrincipalId = e.Id, Rights = e.Rights }));
        documents.Record(null, null, DocumentEventKind.PermissionsChanged, user.UserName, from, entries, folderId: id);
        foreach (var documentId in await DocumentsBelowAsync(id, cancellationToken))
        {
            documents.QueueIndex(documentId);
        }

        await db.SaveChangesAsync(cancellationToken);
        access.Invalidate();
        return await FolderPermissionsAsync(id, user, cancellationToken);
    }

    public async Task<List<PermissionEntry>> DocumentPermissionsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
        return [.. (await db.DocumentPermissions.AsNoTracking().Where(p => p.DocumentId == id).ToListAsync(cancellationToken))
            .Select(p => Entry(p.PrincipalType, p.PrincipalId, p.Rights))];
    }

    /// <summary>Narrows a document (manage right): an empty list returns it to its folder's permissions.</summary>
    public async Task<List<PermissionEntry>> SetDocumentPermissionsAsync(Guid id, IReadOnlyList<PermissionEntry> entries, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(entries, cancellationToken);
        await ConflictRetry.RunAsync(db, async () =>
        {
            var (document, _) = await access.RequireAsync(id, DocumentRights.Manage, user, cancellationToken, tracking: true);
            db.DocumentPermissions.RemoveRange(await db.DocumentPermissions.Where(p => p.DocumentId == id).ToListAsync(cancellationToken));
            db.DocumentPermissions.AddRange(parsed.Select(e => new DocumentPermissionEntry { DocumentId = id, PrincipalType = e.Type, PrincipalId = e.Id, Rights = e.Rights }));
            document.HasOwnPermissions = parsed.Count > 0;
            document.Revision++;
            documents.Record(id, null, DocumentEventKind.PermissionsChanged, user.UserName, from, entries);
            documents.QueueIndex(id);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
        return [.. parsed.Select(e => Entry(e.Type, e.Id, e.Rights))];
    }

    /// <summary>Folder ids from the folder up to the root (the folder first).</summary>
    public static List<Guid> Ancestry(Guid folderId, IReadOnlyDictionary<Guid, Guid?> parents)
    {
        var chain = new List<Guid>();
        for (Guid? id = folderId; id is { } current && chain.Count < 1000; id = parents.GetValueOrDefault(current))
        {
            chain.Add(current);
        }

        return chain;
    }

    private async Task<List<Guid>> DocumentsBelowAsync(Guid folderId, CancellationToken cancellationToken)
    {
        var parents = await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var below = parents.Keys.Where(f => Ancestry(f, parents).Contains(folderId)).ToList();
        return await db.Documents.AsNoTracking().Where(d => below.Contains(d.FolderId)).Select(d => d.Id).ToListAsync(cancellationToken);
    }

    private async Task<List<(PrincipalType Type, string Id, DocumentRights Rights)>> ParseAsync(IReadOnlyList<PermissionEntry> entries, CancellationToken cancellationToken)
    {
        var result = new List<(PrincipalType, string, DocumentRights)>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!Enum.TryParse<PrincipalType>(entry.PrincipalType, true, out var type) || !Enum.IsDefined(type))
            {
                errors[$"[{i}].principalType"] = ["Use user or group."];
                continue;
            }

            var exists = type == PrincipalType.User
                ? await db.Users.AnyAsync(u => u.UserName == entry.PrincipalId, cancellationToken)
                : await db.Groups.AnyAsync(g => g.Name == entry.PrincipalId, cancellationToken);
            if (!exists)
            {
                errors[$"[{i}].principalId"] = [$"There is no {type.ToString().ToLowerInvariant()} '{entry.PrincipalId}'."];
                continue;
            }

            var rights = DocumentRights.None;
            foreach (var right in entry.Rights ?? [])
            {
                rights |= Enum.TryParse<DocumentRights>(right, true, out var r) && r is not (DocumentRights.None or DocumentRights.All) && Enum.IsDefined(r) ? r
                    : DocumentRights.None;
                if (!Enum.TryParse<DocumentRights>(right, true, out _))
                {
                    errors[$"[{i}].rights"] = ["Use read, download, write and manage."];
                }
            }

            // Download, write and manage are meaningless without read.
            result.Add((type, entry.PrincipalId, rights == DocumentRights.None ? rights : rights | DocumentRights.Read));
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        return [.. result.GroupBy(r => (r.Item1, r.Item2)).Select(g => (g.Key.Item1, g.Key.Item2, g.Aggregate(DocumentRights.None, (a, r) => a | r.Item3)))];
    }

    private static PermissionEntry Entry(PrincipalType type, string id, DocumentRights rights) =>
        new(type.ToString().ToLowerInvariant(), id, Names(rights));

    public static List<string> Names(DocumentRights rights) =>
        [.. Enum.GetValues<DocumentRights>().Where(r => r is not (DocumentRights.None or DocumentRights.All) && rights.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant())];
}
