using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>The bytes of a document another module sends on (a mail attachment), after the download right was checked.</summary>
[ModuleContract]
public sealed record DocumentBytes(Guid DocumentId, int Version, string FileName, string ContentType, byte[] Content);

/// <summary>A template document (.docx, .xlsx) a user may use.</summary>
[ModuleContract]
public sealed record TemplateDocument(Guid Id, string Title, string FileName, string Folder);

/// <summary>A folder the user may add documents to, with its path.</summary>
[ModuleContract]
public sealed record WritableFolder(Guid Id, string Path);

/// <summary>
/// Documents another module files for a record of its own (a mail's .eml and attachments): stored in a record folder
/// in the caller's unit of work, so the document, its version, its register rows and the record commit together.
/// </summary>
[ModuleContract]
public sealed class RecordDocuments(CrmDbContext db, DocumentService documents, DocumentAccess access, IObjectStore objects, TimeProvider clock)
{
    /// <summary>Puts the bytes in the object store (content-addressed: storing the same bytes twice keeps one copy).</summary>
    public Task<StoredFile> StoreAsync(string fileName, Stream content, CancellationToken cancellationToken) =>
        documents.StoreAsync(new UploadedFile(string.IsNullOrWhiteSpace(fileName) ? "file" : fileName, content), cancellationToken);

    /// <summary>Like <see cref="StoreAsync"/>, but null for an empty file instead of a validation error.</summary>
    public async Task<StoredFile?> StoreAsyncOrNull(string fileName, Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Length == 0)
        {
            return null;
        }

        return await StoreAsync(fileName, content, cancellationToken);
    }

    /// <summary>
    /// Adds document and version 1 to the unit of work (no commit): the caller's record and the document land together.
    /// No right is checked here: the folder is the record's own and the caller acts for the product (an import).
    /// </summary>
    public Guid Add(Guid folderId, string title, StoredFile stored, string createdBy, AccessContext from, string? onlyFor = null)
    {
        var now = clock.GetUtcNow();
        var safeTitle = string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(stored.FileName) : title.Trim();
        var document = new Document
        {
            FolderId = folderId, Title = safeTitle.Length > 300 ? safeTitle[..300] : safeTitle, Owner = createdBy, CurrentVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        db.Documents.Add(document);
        if (onlyFor is not null)
        {
            // Narrower than the folder: the bytes carry files only this user was allowed to download (admins see all).
            document.HasOwnPermissions = true;
            db.DocumentPermissions.Add(new DocumentPermissionEntry { DocumentId = document.Id, PrincipalType = PrincipalType.User, PrincipalId = onlyFor, Rights = DocumentRights.Read | DocumentRights.Download });
            access.Invalidate();
        }

        db.DocumentVersions.Add(stored.ToVersion(document.Id, 1, null, createdBy, now));
        documents.Record(document.Id, null, DocumentEventKind.Created, createdBy, from, null);
        documents.Record(document.Id, 1, DocumentEventKind.VersionAdded, createdBy, from, new { stored.FileName, stored.OriginalFileName, stored.Size });
        documents.QueueIndex(document.Id);
        return document.Id;
    }

    /// <summary>
    /// The current version's bytes for sending on, with a register row ("downloaded", sent by mail) in the caller's unit
    /// of work: the bytes leave only in a message whose commit carries the row. 404/403 without the download right.
    /// </summary>
    public async Task<DocumentBytes> ReadForSendingAsync(Guid documentId, CurrentUser user, AccessContext from, string purpose, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(documentId, DocumentRights.Download, user, cancellationToken);
        var row = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == documentId && v.Number == document.CurrentVersion, cancellationToken);
        var bytes = await ReadAsync(row.Sha256, cancellationToken);
        documents.Record(documentId, row.Number, DocumentEventKind.Downloaded, user.UserName, from, new { served = purpose, bytes = row.Size });
        return new DocumentBytes(documentId, row.Number, row.FileName, row.ContentType, bytes);
    }

    /// <summary>The bytes of a document the product itself filed (a queued mail's .eml), without a user's rights.</summary>
    public async Task<byte[]> ReadOwnAsync(Guid documentId, CancellationToken cancellationToken)
    {
        var row = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId).OrderByDescending(v => v.Number).FirstAsync(cancellationToken);
        return await ReadAsync(row.Sha256, cancellationToken);
    }

    /// <summary>Titles of the documents the user may read, for showing a record's files.</summary>
    public async Task<Dictionary<Guid, string>> ReadableTitlesAsync(IReadOnlyCollection<Guid> documentIds, CurrentUser user, CancellationToken cancellationToken)
    {
        var titles = new Dictionary<Guid, string>();
        if (documentIds.Count == 0)
        {
            return titles;
        }

        var readable = await access.ReadableAsync(user, cancellationToken);
        foreach (var row in await readable.Where(d => documentIds.Contains(d.Id)).Select(d => new { d.Id, d.Title }).ToListAsync(cancellationToken))
        {
            titles[row.Id] = row.Title;
        }

        return titles;
    }

    /// <summary>The Word and Excel files under the top folder <paramref name="topFolder"/> (and its subfolders) the user may download.</summary>
    public async Task<List<TemplateDocument>> TemplatesAsync(string topFolder, CurrentUser user, CancellationToken cancellationToken)
    {
        var folders = await db.Folders.AsNoTracking().Select(f => new { f.Id, f.Name, f.ParentId }).ToListAsync(cancellationToken);
        var byId = folders.ToDictionary(f => f.Id);
        string? TopOf(Guid id)
        {
            var folder = byId[id];
            while (folder.ParentId is { } parent)
            {
                folder = byId[parent];
            }

            return folder.Name;
        }

        var under = folders.Where(f => TopOf(f.Id) == topFolder).Select(f => f.Id).ToList();
        var readable = await access.ReadableAsync(user, cancellationToken);
        var rows = await readable.Where(d => under.Contains(d.FolderId))
            .Join(db.DocumentVersions, d => new { d.Id, Number = d.CurrentVersion }, v => new { Id = v.DocumentId, v.Number }, (d, v) => new { d.Id, d.Title, v.FileName, d.FolderId })
            .ToListAsync(cancellationToken);
        var kept = new List<TemplateDocument>();
        foreach (var row in rows.Where(r => TemplateExtensions.Contains(Path.GetExtension(r.FileName).ToLowerInvariant())).OrderBy(r => r.Title, StringComparer.CurrentCultureIgnoreCase))
        {
            if ((await access.RightsAsync(await db.Documents.AsNoTracking().SingleAsync(d => d.Id == row.Id, cancellationToken), user, cancellationToken)).HasFlag(DocumentRights.Download))
            {
                kept.Add(new TemplateDocument(row.Id, row.Title, row.FileName, byId[row.FolderId].Name));
            }
        }

        return kept;
    }

    /// <summary>
    /// A template's bytes for filling (download right: the output carries its content to whoever reads the output),
    /// with a "copied" register row in the caller's unit of work.
    /// </summary>
    public async Task<DocumentBytes> ReadTemplateAsync(Guid templateId, CurrentUser? user, AccessContext from, Guid? usedFor, CancellationToken cancellationToken, string? topFolder = null)
    {
        var document = user is null ? await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == templateId, cancellationToken) ?? throw new NotFoundException($"Document {templateId} does not exist.")
            : (await access.RequireAsync(templateId, DocumentRights.Download, user, cancellationToken)).Document;
        if (user is null && topFolder is not null && await TopFolderOfAsync(document.FolderId, cancellationToken) != topFolder)
        {
            // Nobody's rights to check: only a file of the templates folder is a template.
            throw new NotFoundException($"Template {templateId} does not exist in the folder '{topFolder}'.");
        }

        var row = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == templateId && v.Number == document.CurrentVersion, cancellationToken);
        if (!TemplateExtensions.Contains(Path.GetExtension(row.FileName).ToLowerInvariant()))
        {
            throw ValidationFailedException.For("templateId", "A template is a Word (.docx) or Excel (.xlsx) file.");
        }

        var bytes = await ReadAsync(row.Sha256, cancellationToken);
        documents.Record(templateId, row.Number, DocumentEventKind.Copied, user?.UserName ?? "process", from, new { usedAsTemplateFor = usedFor, bytes = row.Size });
        return new DocumentBytes(templateId, row.Number, row.FileName, row.ContentType, bytes);
    }

    private async Task<string> TopFolderOfAsync(Guid folderId, CancellationToken cancellationToken)
    {
        var folders = await db.Folders.AsNoTracking().Select(f => new { f.Id, f.Name, f.ParentId }).ToDictionaryAsync(f => f.Id, cancellationToken);
        var folder = folders[folderId];
        while (folder.ParentId is { } parent)
        {
            folder = folders[parent];
        }

        return folder.Name;
    }

    /// <summary>The folders the user may add documents to, with their paths, for choosing where output goes.</summary>
    public async Task<List<WritableFolder>> WritableFoldersAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var rights = await access.FolderRightsAsync(user, cancellationToken);
        var folders = await db.Folders.AsNoTracking().Select(f => new { f.Id, f.Name, f.ParentId }).ToListAsync(cancellationToken);
        var byId = folders.ToDictionary(f => f.Id);
        string PathOf(Guid id) => byId[id].ParentId is { } parent ? PathOf(parent) + " / " + byId[id].Name : byId[id].Name;
        return [.. folders.Where(f => rights.GetValueOrDefault(f.Id).HasFlag(DocumentRights.Write)).Select(f => new WritableFolder(f.Id, PathOf(f.Id))).OrderBy(f => f.Path, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>Checks the user may add documents to the folder (404 when they cannot see it, 403 when only read).</summary>
    public Task RequireWritableAsync(Guid folderId, CurrentUser user, CancellationToken cancellationToken) =>
        access.RequireFolderAsync(folderId, DocumentRights.Write, user, cancellationToken);

    // Macro-enabled files are not templates: a letter must not carry code.
    private static readonly HashSet<string> TemplateExtensions = [".docx", ".xlsx", ".dotx", ".xltx"];

    private async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
