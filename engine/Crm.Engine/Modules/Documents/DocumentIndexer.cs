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

    public async Task<IndexEntry?> BuildAsync(Guid documentId, CancellationToken cancellationToken) =>
        (await BuildManyAsync([documentId], cancellationToken))[documentId];

    /// <summary>
    /// Index entries for a batch of documents (null for one that no longer exists): a handful of queries for
    /// the whole batch, the texts not yet read extracted side by side by the worker pool, one save.
    /// </summary>
    public async Task<Dictionary<Guid, IndexEntry?>> BuildManyAsync(List<Guid> documentIds, CancellationToken cancellationToken)
    {
        var documents = await db.Documents.AsNoTracking().Where(d => documentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var versions = (await db.DocumentVersions
                .Where(v => documentIds.Contains(v.DocumentId) && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number))
                .ToListAsync(cancellationToken))
            .ToDictionary(v => v.DocumentId);
        _parents ??= await db.Folders.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.ParentId, cancellationToken);
        var paths = documents.Values.ToDictionary(d => d.Id, d => FolderService.Ancestry(d.FolderId, _parents));
        var folderIds = paths.Values.SelectMany(p => p).Distinct().ToList();
        var folderReaders = (await db.FolderPermissions.AsNoTracking().Where(p => folderIds.Contains(p.FolderId) && (p.Rights & DocumentRights.Read) != 0)
                .Select(p => new { p.FolderId, p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
            .ToLookup(p => p.FolderId, p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId));
        var narrowed = documents.Values.Where(d => d.HasOwnPermissions).Select(d => d.Id).ToList();
        var itemReaders = (narrowed.Count == 0 ? [] : await db.DocumentPermissions.AsNoTracking().Where(p => narrowed.Contains(p.DocumentId) && (p.Rights & DocumentRights.Read) != 0)
                .Select(p => new { p.DocumentId, p.PrincipalType, p.PrincipalId }).ToListAsync(cancellationToken))
            .ToLookup(p => p.DocumentId, p => DocumentAccess.Token(p.PrincipalType, p.PrincipalId));

        await ExtractPendingAsync([.. versions.Values.Where(v => !v.Extracted)], cancellationToken);

        var entries = new Dictionary<Guid, IndexEntry?>();
        foreach (var id in documentIds)
        {
            if (!documents.TryGetValue(id, out var document) || !versions.TryGetValue(id, out var version))
            {
                entries[id] = null;
                continue;
            }

            var path = paths[id];
            List<string>? itemAcl = null;
            if (document.HasOwnPermissions)
            {
                itemAcl = [.. itemReaders[id]];
                if (itemAcl.Count == 0)
                {
                    itemAcl = ["nobody"];   // narrowed to no one: only admins see it
                }
            }

            entries[id] = new IndexEntry(document.Id.ToString(), Kind, document.Title, version.ExtractedText, MetadataText(document, version),
                [.. path.Select(p => p.ToString())], document.Type, document.Status.ToString().ToLowerInvariant(), document.Owner,
                document.ReceivedAt ?? document.CreatedAt, [.. path.SelectMany(f => folderReaders[f]).Distinct()], itemAcl);
        }

        return entries;
    }

    /// <summary>Reads the texts of tracked versions side by side (the pool bounds how many at once) and saves them together.</summary>
    private async Task ExtractPendingAsync(List<DocumentVersion> pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }

        var results = new ExtractionResult[pending.Count];
        // More files in flight than workers: while the workers parse, the next files are being fetched from the
        // object store (the pool's own gate bounds the parsing).
        await Parallel.ForEachAsync(Enumerable.Range(0, pending.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(8, workers.Options.Workers * 4), CancellationToken = cancellationToken },
            async (i, token) => results[i] = await ResultOfAsync(pending[i], token));
        for (var i = 0; i < pending.Count; i++)
        {
            Apply(pending[i], results[i]);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // A text the database refuses must not stop the batch (the index would retry it forever): the
            // versions keep their verdict without the text, and say why.
            foreach (var version in pending)
            {
                version.ExtractedText = null;
                version.ExtractionError = Bound($"The text was read but could not be stored: {ex.InnerException?.Message ?? ex.Message}", 2000);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
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

        Apply(version, await ResultOfAsync(version, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return version.ExtractedText;
    }

    private Task<ExtractionResult> ResultOfAsync(DocumentVersion version, CancellationToken cancellationToken) =>
        version.ExtractionAttempts > MaxAttempts
            // Counted before each try (see SearchIndexer): the earlier tries never came back.
            ? Task.FromResult(ExtractionResult.Poison($"Reading the file was begun {MaxAttempts} times and never finished."))
            : ExtractAsync(version.Sha256, version.ContentType, version.Size, cancellationToken);

    private static void Apply(DocumentVersion version, ExtractionResult result)
    {
        // The worker already replaces control characters; a NUL would still stop PostgreSQL from saving the batch.
        version.ExtractedText = result.Text is { } text ? ExtractedText.Storable(text) : null;
        version.ExtractionError = result.Error is { } error ? Bound(error, 2000) : null;
        version.ExtractionNote = result.Note is { } note ? Bound(note, 500) : null;
        version.ExtractionQuarantined = result.Poisoned;
        version.Extracted = true;
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
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception && !cancellationToken.IsCancellationRequested)
        {
            // No worker could be started (a broken install): the document is still indexed by name and
            // metadata, and the administrators' content page lists it for a retry once extraction works.
            return ExtractionResult.Failed($"text extraction is not available on this server ({ex.Message})");
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
