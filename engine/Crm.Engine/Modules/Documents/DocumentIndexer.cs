using System.Text;
using System.Text.Json.Nodes;
using Crm.Platform.Persistence;
using Crm.Extraction;
using Crm.Storage.Extraction;
using Crm.Storage.Objects;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Documents;

/// <summary>
/// Turns a document row into what the index holds: title, metadata, the current version's extracted text,
/// its folder path, and who may read it (folder entries with read along the path, and the document's own
/// narrowing entries). Extracts the text on first need and keeps it on the version row.
/// </summary>
public sealed class DocumentIndexer(CrmDbContext db, IObjectStore objects, ExtractionWorkerPool workers)
{
    /// <summary>The kind of a document's index entries.</summary>
    public const string Kind = "document";

    public static readonly ExtractionLimits Limits = new();

    private Dictionary<Guid, Guid?>? _parents;

    public async Task<IndexEntry?> BuildAsync(Guid documentId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var version = await db.DocumentVersions.SingleAsync(v => v.DocumentId == documentId && v.Number == document.CurrentVersion, cancellationToken);
        var text = await TextOfAsync(version, cancellationToken);
        _parents ??= await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var path = FolderService.Ancestry(document.FolderId, _parents);
        var folderAcl = (await db.FolderPermissions.AsNoTracking().Where(p => path.Contains(p.FolderId) && (p.Rights & DocumentRights.Read) != 0)
                .Select(p => new { p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
            .Select(p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId)).Distinct().ToList();
        List<string>? itemAcl = null;
        if (document.HasOwnPermissions)
        {
            itemAcl = [.. (await db.DocumentPermissions.AsNoTracking().Where(p => p.DocumentId == documentId && (p.Rights & DocumentRights.Read) != 0)
                    .Select(p => new { p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
                .Select(p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId))];
            if (itemAcl.Count == 0)
            {
                itemAcl = ["nobody"];   // narrowed to no one: only admins see it
            }
        }

        return new IndexEntry(document.Id.ToString(), Kind, document.Title, text, MetadataText(document, version),
            [.. path.Select(p => p.ToString())], document.Type, document.Status.ToString().ToLowerInvariant(), document.Owner,
            document.ReceivedAt ?? document.CreatedAt, folderAcl, itemAcl);
    }

    /// <summary>Attempts after which a version that never got a result (its extraction took the node down) is quarantined.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// The version's text, extracted once in a worker process and kept on the row. A file that crashed, hung or
    /// exhausted a worker, or that was begun <see cref="MaxAttempts"/> times without an answer, is quarantined:
    /// it stays findable by name and metadata and is not read again until someone retries it.
    /// </summary>
    public async Task<string?> TextOfAsync(DocumentVersion version, CancellationToken cancellationToken)
    {
        if (version.Extracted)
        {
            return version.ExtractedText;
        }

        ExtractionResult result;
        if (version.ExtractionAttempts > MaxAttempts)
        {
            // Counted before each try (see SearchIndexer): the earlier tries never came back.
            result = ExtractionResult.Poison($"Reading the file was begun {MaxAttempts} times and never finished.");
        }
        else
        {
            result = await ExtractAsync(version.Sha256, version.ContentType, version.Size, cancellationToken);
        }

        version.ExtractedText = result.Text;
        version.ExtractionError = result.Error is { } error ? Bound(error, 2000) : null;
        version.ExtractionNote = result.Note is { } note ? Bound(note, 500) : null;
        version.ExtractionQuarantined = result.Poisoned;
        version.Extracted = true;
        await db.SaveChangesAsync(cancellationToken);
        return version.ExtractedText;
    }

    /// <summary>
    /// Counts an attempt on each current version about to be extracted, in one save before the work: if reading
    /// a file takes the node down, the count survives and the file is quarantined after <see cref="MaxAttempts"/>.
    /// </summary>
    public static async Task CountAttemptsAsync(CrmDbContext db, IReadOnlyCollection<Guid> documentIds, CancellationToken cancellationToken)
    {
        if (documentIds.Count == 0)
        {
            return;
        }

        var pending = await db.DocumentVersions
            .Where(v => documentIds.Contains(v.DocumentId) && !v.Extracted && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number))
            .ToListAsync(cancellationToken);
        foreach (var version in pending)
        {
            version.ExtractionAttempts++;
        }

        if (pending.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static string Bound(string text, int length) => text.Length <= length ? text : text[..length];

    private async Task<ExtractionResult> ExtractAsync(string sha256, string contentType, long size, CancellationToken cancellationToken)
    {
        if (!ExtractableTypes.CanExtract(contentType))
        {
            return new ExtractionResult(null, null);
        }

        if (size > Limits.MaxBytes)
        {
            return ExtractionResult.Failed($"the file is larger than {Limits.MaxBytes / 1024 / 1024} MB; only its name and metadata are indexed.");
        }

        // The worker reads a local copy: it never sees object-store credentials or other files.
        var path = Path.Combine(Path.GetTempPath(), $"crm-extract-{Guid.NewGuid():N}");
        try
        {
            await using (var source = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken))
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(file, cancellationToken);
            }

            return await workers.ExtractAsync(path, contentType, Limits, cancellationToken);
        }
        catch (ObjectNotFoundException ex)
        {
            return ExtractionResult.Failed(ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string MetadataText(Document document, DocumentVersion version)
    {
        var text = new StringBuilder();
        text.Append(document.Type).Append(' ').Append(document.Source).Append(' ').Append(document.Tags.Replace(',', ' ')).Append(' ').Append(version.FileName);
        // "random.bin" is one word to the tokenizer: its parts too, so a name is found by any of them.
        text.Append(' ').Append(string.Join(' ', version.FileName.Split(['.', '_', '-'], StringSplitOptions.RemoveEmptyEntries)));
        if (document.Metadata is { } metadata && JsonNode.Parse(metadata) is JsonObject values)
        {
            foreach (var (name, value) in values)
            {
                text.Append(' ').Append(name).Append(' ').Append(value?.ToString());
            }
        }

        return text.ToString();
    }
}
