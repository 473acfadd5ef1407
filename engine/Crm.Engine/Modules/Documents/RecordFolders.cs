using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>Who a record folder is for: a user or group name and what they may do in it.</summary>
[ModuleContract]
public sealed record RecordFolderGrant(string Name, bool IsGroup, DocumentRights Rights);

/// <summary>
/// A folder of its own for a business record (a complaint, a ticket): created under a top folder per record kind,
/// with the record's people and groups as its only grants, in the caller's unit of work (it commits with the record).
/// The caller has checked the person's rights on the record; folders below the top one inherit nothing it does not give.
/// </summary>
[ModuleContract]
public sealed class RecordFolders(CrmDbContext db, DocumentAccess access, TimeProvider clock)
{
    /// <summary>Adds the folder <paramref name="name"/> under the top folder <paramref name="topName"/> (made when missing) with exactly these grants.</summary>
    public async Task<Guid> CreateAsync(string topName, string name, IReadOnlyList<RecordFolderGrant> grants, string createdBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var top = await db.Folders.Where(f => f.ParentId == null && f.Name == topName).Select(f => (Guid?)f.Id).FirstOrDefaultAsync(cancellationToken)
            ?? db.Folders.Local.FirstOrDefault(f => f.ParentId == null && f.Name == topName)?.Id;
        if (top is null)
        {
            var folder = new Folder { Name = topName, CreatedAt = now, CreatedBy = createdBy };
            db.Folders.Add(folder);
            top = folder.Id;
        }

        var own = new Folder { Name = await FreeNameAsync(top.Value, SafeName(name), cancellationToken), ParentId = top, CreatedAt = now, CreatedBy = createdBy };
        db.Folders.Add(own);
        SetGrants(own.Id, grants);
        access.Invalidate();
        return own.Id;
    }

    /// <summary>Replaces the folder's grants (the record's owner or group changed).</summary>
    public async Task SetGrantsAsync(Guid folderId, IReadOnlyList<RecordFolderGrant> grants, CancellationToken cancellationToken)
    {
        // Stored grants and those added in this unit (a folder made moments ago) alike.
        var stored = await db.FolderPermissions.Where(p => p.FolderId == folderId).ToListAsync(cancellationToken);
        db.FolderPermissions.RemoveRange([.. stored.Concat(db.FolderPermissions.Local.Where(p => p.FolderId == folderId)).Distinct()]);
        SetGrants(folderId, grants);
        access.Invalidate();
    }

    private void SetGrants(Guid folderId, IReadOnlyList<RecordFolderGrant> grants)
    {
        foreach (var grant in grants.GroupBy(g => (g.Name, g.IsGroup)))
        {
            db.FolderPermissions.Add(new FolderPermissionEntry
            {
                FolderId = folderId, PrincipalType = grant.Key.IsGroup ? PrincipalType.Group : PrincipalType.User, PrincipalId = grant.Key.Name,
                Rights = grant.Aggregate(DocumentRights.None, (all, g) => all | g.Rights),
            });
        }
    }

    /// <summary>Names are unique within a folder: a second record with the same title gets "Title (2)".</summary>
    private async Task<string> FreeNameAsync(Guid parentId, string name, CancellationToken cancellationToken)
    {
        var taken = (await db.Folders.Where(f => f.ParentId == parentId && f.Name.StartsWith(name)).Select(f => f.Name).ToListAsync(cancellationToken))
            .Concat(db.Folders.Local.Where(f => f.ParentId == parentId).Select(f => f.Name)).ToHashSet(StringComparer.Ordinal);
        var candidate = name;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = $"{name} ({n})";
        }

        return candidate;
    }

    /// <summary>Folder names cannot hold '/': a record number like REK/2026/00042 becomes REK-2026-00042.</summary>
    public static string SafeName(string name) => name.Replace('/', '-').Trim() is { Length: > 0 } safe ? safe[..Math.Min(safe.Length, 190)] : "record";
}
