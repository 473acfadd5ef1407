using Crm.Platform.Common;
using Crm.Platform.Outbox;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Storage.Extraction;
using Crm.Storage.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Modules.Documents;

/// <summary>Settings of the document module (section <c>Crm:Documents</c>).</summary>
public sealed class DocumentOptions
{
    public const string Section = "Crm:Documents";

    /// <summary>Largest upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;
    /// <summary>When the check-out process reminds the holder (ISO-8601 duration).</summary>
    public string CheckoutReminder { get; set; } = "P1D";
    /// <summary>When a lock is old enough for the folder's managers to hear of it.</summary>
    public string LockLimit { get; set; } = "P5D";

    /// <summary>The document-type dictionary; a document's type must be one of these.</summary>
    public List<string> Types { get; set; } =
        ["contract", "invoice", "letter", "offer", "procedure", "protocol", "report", "certificate", "power-of-attorney", "insurance", "other"];

    /// <summary>Days before a document's valid-to date that its owners are reminded, by document type.</summary>
    public Dictionary<string, int> ExpiryReminderDays { get; set; } = new(StringComparer.Ordinal)
    {
        ["contract"] = 30,
        ["insurance"] = 30,
        ["certificate"] = 14,
        ["power-of-attorney"] = 14,
    };

    /// <summary>Reminder lead for a type not in <see cref="ExpiryReminderDays"/> (and for documents without a type).</summary>
    public int DefaultExpiryReminderDays { get; set; } = 30;

    /// <summary>How many days before its valid-to date a document of <paramref name="type"/> is reminded.</summary>
    public int ReminderDaysFor(string? type) =>
        Math.Max(0, type is not null && ExpiryReminderDays.TryGetValue(type, out var days) ? days : DefaultExpiryReminderDays);
}

public sealed record UploadedFile(string FileName, Stream Content);

public sealed record CreateDocumentRequest(Guid FolderId, string? Title, string? Type);

public sealed record DocumentCreated(Guid Id, int Version);

/// <summary>A version as listed; <c>Extraction*</c> say whether its text is searchable and why not.</summary>
public sealed record VersionView(int Number, string? Comment, string Author, DateTimeOffset CreatedAt, long Size, string ContentType, string Sha256, string FileName, string? ExtractionError,
    string? ExtractionNote = null, bool ExtractionQuarantined = false, bool Extracted = false);

public sealed record DocumentView(
    Guid Id, Guid FolderId, string Title, string? Type, string Owner, DateTimeOffset? ReceivedAt, string? Source, string Status,
    IReadOnlyList<string> Tags, JsonNode? Metadata, JsonNode? Links, int CurrentVersion, string? LockedBy, DateTimeOffset? LockedAt,
    bool HasOwnPermissions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> Rights);

public sealed record UpdateDocumentRequest(string? Title, string? Type, DateTimeOffset? ReceivedAt, string? Source, IReadOnlyList<string>? Tags, JsonNode? Metadata, JsonNode? Links);

public sealed record OpenedContent(Stream Content, string ContentType, string FileName, long Size, int Version);

/// <summary>Documents and their versions: upload, read, download (always through the register), metadata, status, templates.</summary>
public sealed class DocumentService(CrmDbContext db, DocumentAccess access, IObjectStore objects, DocumentIndexer indexer, IOptions<DocumentOptions> options, TimeProvider clock, FreshUploads fresh)
{
    private static readonly Dictionary<DocumentStatus, DocumentStatus[]> Transitions = new()
    {
        [DocumentStatus.Draft] = [DocumentStatus.InReview, DocumentStatus.Archived],
        [DocumentStatus.InReview] = [DocumentStatus.Draft, DocumentStatus.Approved],
        [DocumentStatus.Approved] = [DocumentStatus.Archived, DocumentStatus.InReview],
        [DocumentStatus.Archived] = [DocumentStatus.Draft],
    };

    /// <summary>Records document, version 1 and register rows in one commit; the bytes are already in the object store (<see cref="StoreAsync"/>).</summary>
    public async Task<DocumentCreated> CreateAsync(CreateDocumentRequest request, StoredFile stored, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        await access.RequireFolderAsync(request.FolderId, DocumentRights.Write, user, cancellationToken);
        var now = clock.GetUtcNow();
        var document = new Document
        {
            FolderId = request.FolderId,
            Title = string.IsNullOrWhiteSpace(request.Title) ? Path.GetFileNameWithoutExtension(stored.FileName) : request.Title.Trim(),
            Type = string.IsNullOrWhiteSpace(request.Type) ? null : request.Type.Trim(),
            Owner = user.UserName,
            CurrentVersion = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        ValidateTitle(document.Title);
        ValidateType(document.Type);
        db.Documents.Add(document);
        db.DocumentVersions.Add(stored.ToVersion(document.Id, 1, null, user.UserName, now));
        Record(document.Id, null, DocumentEventKind.Created, user.UserName, from, null);
        Record(document.Id, 1, DocumentEventKind.VersionAdded, user.UserName, from, new { stored.FileName, stored.OriginalFileName, stored.Size });
        QueueIndex(document.Id);
        await db.SaveChangesAsync(cancellationToken);
        return new DocumentCreated(document.Id, 1);
    }

    /// <summary>A new version outside a check-out; refused while someone else holds the lock.</summary>
    public async Task<int> AddVersionAsync(Guid id, StoredFile stored, string? comment, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken);
        if (document.LockedBy is { } holder && holder != user.UserName)
        {
            throw new ConflictException($"The document is checked out by {holder}; only they can add a version until it is checked in.");
        }

        return await ConflictRetry.RunAsync(db, async () =>
        {
            var tracked = await db.Documents.SingleAsync(d => d.Id == id, cancellationToken);
            if (tracked.LockedBy is { } lockHolder && lockHolder != user.UserName)
            {
                throw new ConflictException($"The document is checked out by {lockHolder}.");
            }

            var number = AppendVersion(tracked, stored, comment, user.UserName, from);
            await db.SaveChangesAsync(cancellationToken);
            return number;
        }, cancellationToken);
    }

    /// <summary>Adds a version to a tracked document (the check-in step uses this inside its process step).</summary>
    public int AppendVersion(Document document, StoredFile stored, string? comment, string userName, AccessContext from)
    {
        var now = clock.GetUtcNow();
        document.CurrentVersion++;
        document.UpdatedAt = now;
        document.Revision++;
        db.DocumentVersions.Add(stored.ToVersion(document.Id, document.CurrentVersion, comment, userName, now));
        Record(document.Id, document.CurrentVersion, DocumentEventKind.VersionAdded, userName, from, new { stored.FileName, stored.OriginalFileName, stored.Size, comment });
        QueueIndex(document.Id);
        return document.CurrentVersion;
    }

    /// <summary>Streams an upload into the object store: size-limited, type sniffed from the bytes, name sanitised.</summary>
    public async Task<StoredFile> StoreAsync(UploadedFile file, CancellationToken cancellationToken)
    {
        var name = ContentSniffer.SafeFileName(file.FileName);
        var head = new HeadCapturingStream(file.Content, keepUpTo: FreshUploads.MaxBytes,
            keepIf: first => Crm.Extraction.ExtractableTypes.CanExtract(ContentSniffer.Sniff(first, name)));
        StoredObject stored;
        try
        {
            stored = await objects.PutAsync(head, options.Value.MaxUploadBytes, cancellationToken);
        }
        catch (ObjectTooLargeException)
        {
            throw ValidationFailedException.For("file", $"The file is larger than {options.Value.MaxUploadBytes / 1024 / 1024} MB.");
        }

        if (stored.Length == 0)
        {
            throw ValidationFailedException.For("file", "The file is empty.");
        }

        var type = ContentSniffer.Sniff(head.Head, name);
        if (head.Kept is { } bytes && Crm.Extraction.ExtractableTypes.CanExtract(type))
        {
            fresh.Keep(stored.Hash.ToString(), bytes.Span);   // this node's indexer reads it without a trip to the store
        }

        return new StoredFile(name, type, stored.Hash.ToString(), stored.Length, file.FileName == name ? null : file.FileName[..Math.Min(file.FileName.Length, 500)]);
    }

    /// <summary>The document's details; opening it is recorded as a view (a refresh after the viewer's own action is not).</summary>
    public async Task<DocumentView> GetAsync(Guid id, CurrentUser user, AccessContext from, CancellationToken cancellationToken, bool recordView = true)
    {
        var (document, rights) = await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
        if (recordView)
        {
            Record(id, document.CurrentVersion, DocumentEventKind.Viewed, user.UserName, from, null);
            await db.SaveChangesAsync(cancellationToken);
        }

        return View(document, rights);
    }

    public async Task<List<VersionView>> VersionsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
        return await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == id).OrderByDescending(v => v.Number)
            .Select(v => new VersionView(v.Number, v.Comment, v.Author, v.CreatedAt, v.Size, v.ContentType, v.Sha256, v.FileName, v.ExtractionError, v.ExtractionNote, v.ExtractionQuarantined, v.Extracted))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// A version (current when <paramref name="version"/> is null). The original bytes need the download right,
    /// also when shown inline; with read alone a preview is the version's extracted text, as plain text. Every
    /// way records what it served, and the register row is committed before anything is handed out.
    /// </summary>
    public async Task<OpenedContent> OpenAsync(Guid id, int? version, bool preview, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        // The document and the version in one round trip; the rights are checked before the version is used.
        var found = await db.Documents.AsNoTracking().Where(d => d.Id == id)
            .Select(d => new { Document = d, Version = db.DocumentVersions.FirstOrDefault(v => v.DocumentId == d.Id && v.Number == (version ?? d.CurrentVersion)) })
            .SingleOrDefaultAsync(cancellationToken);
        var rights = await access.RequireAsync(id, found?.Document, preview ? DocumentRights.Read : DocumentRights.Download, user, cancellationToken);
        var number = version ?? found!.Document.CurrentVersion;
        var row = found!.Version ?? throw new NotFoundException($"Document {id} has no version {number}.");
        if (preview && !rights.HasFlag(DocumentRights.Download))
        {
            var text = await indexer.TextOfAsync(row, cancellationToken) ?? "";
            Record(id, number, DocumentEventKind.Previewed, user.UserName, from, new { served = "text", characters = text.Length });
            await db.SaveChangesAsync(cancellationToken);
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            return new OpenedContent(new MemoryStream(bytes), "text/plain; charset=utf-8", Path.ChangeExtension(row.FileName, ".txt"), bytes.Length, number);
        }

        Record(id, number, preview ? DocumentEventKind.Previewed : DocumentEventKind.Downloaded, user.UserName, from, new { served = "original", bytes = row.Size });
        // The object store starts sending while the register row commits; the bytes are handed out only
        // after the commit succeeded, so no byte leaves without its row.
        var opening = objects.OpenReadAsync(ContentHash.Parse(row.Sha256), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            await DisposeQuietlyAsync(opening);
            throw;
        }

        return new OpenedContent(await opening, row.ContentType, row.FileName, row.Size, number);
    }

    public Task<DocumentView> UpdateAsync(Guid id, UpdateDocumentRequest request, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        ConflictRetry.RunAsync(db, async () =>
        {
            var (document, rights) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken, tracking: true);
            if (request.Title is not null)
            {
                ValidateTitle(request.Title);
                document.Title = request.Title.Trim();
            }

            if (request.Metadata is not null and not JsonObject)
            {
                throw ValidationFailedException.For("metadata", "Metadata is a JSON object of names and values.");
            }

            if (request.Links is JsonArray links && links.Any(l => l?["type"] is null || l["id"] is null))
            {
                throw ValidationFailedException.For("links", "Each link needs a type and an id.");
            }

            ValidateType(request.Type);
            document.Type = request.Type ?? document.Type;
            document.ReceivedAt = request.ReceivedAt ?? document.ReceivedAt;
            document.Source = request.Source ?? document.Source;
            document.Tags = request.Tags is null ? document.Tags : string.Join(',', request.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct());
            document.Metadata = request.Metadata?.ToJsonString() ?? document.Metadata;
            document.Links = request.Links?.ToJsonString() ?? document.Links;
            document.UpdatedAt = clock.GetUtcNow();
            document.Revision++;
            Record(id, null, DocumentEventKind.MetadataChanged, user.UserName, from, null);
            QueueIndex(id);
            await db.SaveChangesAsync(cancellationToken);
            return View(document, rights);
        }, cancellationToken);

    /// <summary>
    /// Reads the current version's text again ("retry extraction"): clears a failure or a quarantine and queues
    /// the document for the index. Needs the write right: a poison file costs a worker each time it is tried.
    /// </summary>
    public async Task RetryExtractionAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var (document, _) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken);
        var version = await db.DocumentVersions.SingleAsync(v => v.DocumentId == id && v.Number == document.CurrentVersion, cancellationToken);
        version.Extracted = false;
        version.ExtractedText = null;
        version.ExtractionError = null;
        version.ExtractionNote = null;
        version.ExtractionAttempts = 0;
        version.ExtractionQuarantined = false;
        QueueIndex(id);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<DocumentView> SetStatusAsync(Guid id, string status, CurrentUser user, AccessContext from, CancellationToken cancellationToken) =>
        ConflictRetry.RunAsync(db, async () =>
        {
            var (document, rights) = await access.RequireAsync(id, DocumentRights.Write, user, cancellationToken, tracking: true);
            if (!Enum.TryParse<DocumentStatus>(status, ignoreCase: true, out var target) || !Enum.IsDefined(target))
            {
                throw ValidationFailedException.For("status", "Use draft, inreview, approved or archived.");
            }

            if (!Transitions[document.Status].Contains(target))
            {
                throw new ConflictException($"A document cannot go from {document.Status} to {target}.");
            }

            Record(id, null, DocumentEventKind.StatusChanged, user.UserName, from, new { from = document.Status.ToString(), to = target.ToString() });
            document.Status = target;
            document.UpdatedAt = clock.GetUtcNow();
            document.Revision++;
            QueueIndex(id);
            await db.SaveChangesAsync(cancellationToken);
            return View(document, rights);
        }, cancellationToken);

    /// <summary>A new document in a folder from a template's current version (same bytes, stored once).</summary>
    public async Task<DocumentCreated> CreateFromTemplateAsync(Guid templateId, Guid folderId, string? title, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        // A copy hands the template's bytes to whoever controls the target folder: it needs download on the template.
        var (template, _) = await access.RequireAsync(templateId, DocumentRights.Download, user, cancellationToken);
        await access.RequireFolderAsync(folderId, DocumentRights.Write, user, cancellationToken);
        var source = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == templateId && v.Number == template.CurrentVersion, cancellationToken);
        var now = clock.GetUtcNow();
        var document = new Document
        {
            FolderId = folderId,
            Title = string.IsNullOrWhiteSpace(title) ? template.Title : title.Trim(),
            Type = template.Type,
            Owner = user.UserName,
            Metadata = template.Metadata,
            CurrentVersion = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Documents.Add(document);
        var stored = new StoredFile(source.FileName, source.ContentType, source.Sha256, source.Size);
        db.DocumentVersions.Add(stored.ToVersion(document.Id, 1, $"From template \"{template.Title}\" version {template.CurrentVersion}", user.UserName, now));
        Record(document.Id, null, DocumentEventKind.Created, user.UserName, from, new { template = templateId });
        Record(templateId, template.CurrentVersion, DocumentEventKind.Copied, user.UserName, from, new { usedAsTemplateFor = document.Id, bytes = source.Size });
        QueueIndex(document.Id);
        await db.SaveChangesAsync(cancellationToken);
        return new DocumentCreated(document.Id, 1);
    }

    private static async Task DisposeQuietlyAsync(Task<Stream> opening)
    {
        try
        {
            await (await opening).DisposeAsync();
        }
        catch (Exception ex) when (ex is ObjectNotFoundException or IOException or HttpRequestException)
        {
            // the register failed first; this error is not the one to report
        }
    }

    public void Record(Guid? documentId, int? version, DocumentEventKind kind, string userName, AccessContext from, object? details, Guid? folderId = null) =>
        db.DocumentEvents.Add(new DocumentEvent
        {
            DocumentId = documentId,
            FolderId = folderId,
            Version = version,
            Kind = kind,
            UserName = userName,
            At = clock.GetUtcNow(),
            Ip = from.Ip,
            Client = from.Client is { Length: > 500 } client ? client[..500] : from.Client,
            Details = details is null ? null : JsonSerializer.Serialize(details),
        });

    public void QueueIndex(Guid documentId) =>
        db.Outbox.Add(new OutboxMessage { Topic = OutboxMessage.IndexDocument, EntityId = documentId, CreatedAt = clock.GetUtcNow() });

    private void ValidateType(string? type)
    {
        if (type is not null && !options.Value.Types.Contains(type, StringComparer.Ordinal))
        {
            throw ValidationFailedException.For("type", $"Use one of the document types: {string.Join(", ", options.Value.Types)}.");
        }
    }

    private static void ValidateTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > 500)
        {
            throw ValidationFailedException.For("title", "Give the document a title of at most 500 characters.");
        }

        if (title.Any(char.IsControl))
        {
            throw ValidationFailedException.For("title", "A title cannot contain control characters.");
        }
    }

    public static DocumentView View(Document d, DocumentRights rights) => new(
        d.Id, d.FolderId, d.Title, d.Type, d.Owner, d.ReceivedAt, d.Source, d.Status.ToString(),
        [.. d.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries)], d.Metadata is null ? null : JsonNode.Parse(d.Metadata),
        d.Links is null ? null : JsonNode.Parse(d.Links), d.CurrentVersion, d.LockedBy, d.LockedAt, d.HasOwnPermissions, d.CreatedAt, d.UpdatedAt,
        [.. Enum.GetValues<DocumentRights>().Where(r => r is not (DocumentRights.None or DocumentRights.All) && rights.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant())]);
}

/// <summary>Bytes already in the object store, with what we know about them (other modules pass it back to <see cref="RecordDocuments"/>).
/// <paramref name="OriginalFileName"/> is what the client sent, kept for the register when it differs.</summary>
[ModuleContract]
public sealed record StoredFile(string FileName, string ContentType, string Sha256, long Size, string? OriginalFileName = null)
{
    public DocumentVersion ToVersion(Guid documentId, int number, string? comment, string author, DateTimeOffset at) => new()
    {
        DocumentId = documentId,
        Number = number,
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(),
        Author = author,
        CreatedAt = at,
        Size = Size,
        ContentType = ContentType,
        Sha256 = Sha256,
        FileName = FileName,
    };
}
