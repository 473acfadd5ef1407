using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>
/// Who may do what with folders and documents. A user's rights on a folder are the union of the entries
/// for the user and the user's groups on that folder and every folder above it; a document with its own
/// entries narrows that (folder rights AND document rights). Admins may do everything. Lists and
/// searches filter by these rights; a document the caller cannot read is reported as not existing.
/// </summary>
[ModuleContract]
public sealed class DocumentAccess(CrmDbContext db)
{
    private Dictionary<Guid, DocumentRights>? _folderRights;

    /// <summary>Forget the computed rights after folders or folder permissions changed in this scope.</summary>
    public void Invalidate() => _folderRights = null;

    public static IReadOnlyList<string> PrincipalTokens(CurrentUser user) =>
        [$"u:{user.UserName}", .. user.Groups.Select(g => $"g:{g}"), Everyone];

    /// <summary>In an index entry's folder ACL: readable by everyone signed in (published articles).</summary>
    public const string Everyone = Crm.Platform.Search.SearchPrincipals.Everyone;

    public static string Token(PrincipalType type, string id) => (type == PrincipalType.User ? "u:" : "g:") + id;

    /// <summary>Effective rights of the user on every folder (inherited downwards), computed once per scope.</summary>
    public async Task<IReadOnlyDictionary<Guid, DocumentRights>> FolderRightsAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        if (_folderRights is not null)
        {
            return _folderRights;
        }

        var folders = await db.Folders.AsNoTracking().Select(f => new { f.Id, f.ParentId }).ToListAsync(cancellationToken);
        var rights = new Dictionary<Guid, DocumentRights>();
        if (user.IsAdmin)
        {
            return _folderRights = folders.ToDictionary(f => f.Id, _ => DocumentRights.All);
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var own = (await db.FolderPermissions.AsNoTracking()
                .Where(p => (p.PrincipalType == PrincipalType.User && p.PrincipalId == name) || (p.PrincipalType == PrincipalType.Group && groups.Contains(p.PrincipalId)))
                .Select(p => new { p.FolderId, p.Rights }).ToListAsync(cancellationToken))
            .GroupBy(p => p.FolderId).ToDictionary(g => g.Key, g => g.Aggregate(DocumentRights.None, (a, p) => a | p.Rights));
        var parents = folders.ToDictionary(f => f.Id, f => f.ParentId);
        DocumentRights Resolve(Guid id)
        {
            if (rights.TryGetValue(id, out var known))
            {
                return known;
            }

            var result = own.GetValueOrDefault(id) | (parents[id] is { } parent ? Resolve(parent) : DocumentRights.None);
            rights[id] = result;
            return result;
        }

        foreach (var folder in folders)
        {
            Resolve(folder.Id);
        }

        return _folderRights = rights;
    }

    public async Task<DocumentRights> FolderRightsAsync(Guid folderId, CurrentUser user, CancellationToken cancellationToken) =>
        (await FolderRightsAsync(user, cancellationToken)).GetValueOrDefault(folderId);

    /// <summary>Rights on one document: its folder's, narrowed by its own entries when it has them.</summary>
    public async Task<DocumentRights> RightsAsync(Document document, CurrentUser user, CancellationToken cancellationToken)
    {
        var rights = await FolderRightsAsync(document.FolderId, user, cancellationToken);
        if (user.IsAdmin || !document.HasOwnPermissions || rights == DocumentRights.None)
        {
            return rights;
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var narrowed = await db.DocumentPermissions.AsNoTracking()
            .Where(p => p.DocumentId == document.Id && ((p.PrincipalType == PrincipalType.User && p.PrincipalId == name) || (p.PrincipalType == PrincipalType.Group && groups.Contains(p.PrincipalId))))
            .Select(p => p.Rights).ToListAsync(cancellationToken);
        return rights & narrowed.Aggregate(DocumentRights.None, (a, r) => a | r);
    }

    /// <summary>Documents the user may read, as a query to filter further.</summary>
    public async Task<IQueryable<Document>> ReadableAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        if (user.IsAdmin)
        {
            return db.Documents;
        }

        var folders = (await FolderRightsAsync(user, cancellationToken)).Where(r => r.Value.HasFlag(DocumentRights.Read)).Select(r => r.Key).ToList();
        var name = user.UserName;
        var groups = user.Groups.ToList();
        return db.Documents.Where(d => folders.Contains(d.FolderId)
            && (!d.HasOwnPermissions || db.DocumentPermissions.Any(p => p.DocumentId == d.Id && (p.Rights & DocumentRights.Read) != 0
                && ((p.PrincipalType == PrincipalType.User && p.PrincipalId == name) || (p.PrincipalType == PrincipalType.Group && groups.Contains(p.PrincipalId))))));
    }

    /// <summary>Loads a document the user may read with at least <paramref name="needed"/>; 404 when it cannot be read at all, 403 when it can be read but not acted on.</summary>
    public async Task<(Document Document, DocumentRights Rights)> RequireAsync(Guid id, DocumentRights needed, CurrentUser user, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = tracking ? db.Documents : db.Documents.AsNoTracking();
        var document = await query.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        var rights = await RequireAsync(id, document, needed, user, cancellationToken);
        return (document, rights);
    }

    /// <summary>The caller's rights on a document the caller loaded; not found when it is null or unreadable, forbidden without <paramref name="needed"/>.</summary>
    public async Task<DocumentRights> RequireAsync(Guid id, [System.Diagnostics.CodeAnalysis.NotNull] Document? document, DocumentRights needed, CurrentUser user, CancellationToken cancellationToken)
    {
        var rights = document is null ? DocumentRights.None : await RightsAsync(document, user, cancellationToken);
        if (document is null || !rights.HasFlag(DocumentRights.Read))
        {
            throw new NotFoundException($"Document {id} does not exist.");
        }

        if (!rights.HasFlag(needed))
        {
            throw new ForbiddenException($"You may not {needed.ToString().ToLowerInvariant()} this document.");
        }

        return rights;
    }

    public async Task RequireFolderAsync(Guid folderId, DocumentRights needed, CurrentUser user, CancellationToken cancellationToken)
    {
        var rights = await FolderRightsAsync(folderId, user, cancellationToken);
        if (!await db.Folders.AnyAsync(f => f.Id == folderId, cancellationToken) || !rights.HasFlag(DocumentRights.Read))
        {
            throw new NotFoundException($"Folder {folderId} does not exist.");
        }

        if (!rights.HasFlag(needed))
        {
            throw new ForbiddenException($"You may not {needed.ToString().ToLowerInvariant()} in this folder.");
        }
    }
}
