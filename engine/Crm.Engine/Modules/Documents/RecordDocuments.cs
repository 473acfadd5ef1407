using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>The bytes of a document another module sends on (a mail attachment), after the download right was checked.</summary>
[ModuleContract]
public sealed record DocumentBytes(Guid DocumentId, int Version, string FileName, string ContentType, byte[] Content);

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
    public Guid Add(Guid folderId, string title, StoredFile stored, string createdBy, AccessContext from)
    {
        var now = clock.GetUtcNow();
        var safeTitle = string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(stored.FileName) : title.Trim();
        var document = new Document
        {
            FolderId = folderId, Title = safeTitle.Length > 300 ? safeTitle[..300] : safeTitle, Owner = createdBy, CurrentVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        db.Documents.Add(document);
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

    private async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
