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
/// This node's name in claims on reading files: its job node name, or machine and data folder (stable across
/// restarts, so a restarted node takes back what it was reading when it died).
/// </summary>
public sealed record IndexingNode(string Name)
{
    public static IndexingNode From(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        new(configuration["Crm:Jobs:NodeName"] is { Length: > 0 } name ? name
            : $"{Environment.MachineName}:{Path.GetFullPath(configuration["Crm:DataPath"] ?? "data")}");
}

/// <summary>
/// Turns a document row into what the index holds: title, metadata, the current version's extracted text,
/// its folder path, and who may read it (folder entries with read along the path, and the document's own
/// narrowing entries). Extracts the text on first need and keeps it on the version row.
/// </summary>
public sealed class DocumentIndexer(CrmDbContext db, IObjectStore objects, ExtractionWorkerPool workers, IndexingNode node, FreshUploads fresh, TimeProvider clock)
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

        var unread = versions.Values.Where(v => !v.Extracted).ToList();
        if (unread.Count > 0)
        {
            var claimed = await ClaimAsync([.. unread.Select(v => v.DocumentId)], cancellationToken);
            try
            {
                await ExtractPendingAsync([.. unread.Where(v => claimed.Contains(v.DocumentId))], cancellationToken);
            }
            catch
            {
                await ReleaseAsync(claimed, CancellationToken.None);   // a failure here is not the files' fault
                throw;
            }

            await WaitForOtherReadersAsync([.. unread.Where(v => !claimed.Contains(v.DocumentId))], cancellationToken);
        }

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

        var results = new ExtractionResult?[pending.Count];
        // More files in flight than workers: while the workers parse, the next files are being fetched from the
        // object store (the pool's own gate bounds the parsing).
        await Parallel.ForEachAsync(Enumerable.Range(0, pending.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(8, workers.Options.Workers * 4), CancellationToken = cancellationToken },
            async (i, token) => results[i] = await ResultOfAsync(pending[i], token));
        for (var i = 0; i < pending.Count; i++)
        {
            if (results[i] is { } result)
            {
                Apply(pending[i], result);
            }
            else
            {
                // Not now (the object store or the workers are unavailable): no verdict, and no attempt either;
                // the sweep (SearchIndexer.RequeueUnreadAsync) brings it back.
                pending[i].ExtractionAttempts = Math.Max(0, pending[i].ExtractionAttempts - 1);
                pending[i].ExtractionLeaseUntil = null;
                pending[i].ExtractionLeaseOwner = null;
            }
        }

        await SaveVerdictsAsync(pending, cancellationToken);
    }

    /// <summary>
    /// Saves the verdicts in one go; if the database refuses (a text it cannot store, a deadlock), row by row, and
    /// a row it still refuses keeps its verdict without the text. Then asks the other nodes that waited for these
    /// texts to index them again.
    /// </summary>
    private async Task SaveVerdictsAsync(List<DocumentVersion> versions, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            foreach (var version in versions)
            {
                db.Entry(version).State = EntityState.Unchanged;
            }

            foreach (var version in versions)
            {
                db.Entry(version).State = EntityState.Modified;
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException ex)
                {
                    version.ExtractedText = null;
                    version.ExtractionError = Bound($"The text was read but could not be stored: {ex.InnerException?.Message ?? ex.Message}", 2000);
                    await db.SaveChangesAsync(cancellationToken);
                }
            }
        }

        var read = versions.Where(v => v.Extracted).Select(v => v.Id).ToList();
        var waited = await db.DocumentVersions.Where(v => read.Contains(v.Id) && v.ExtractionReindex).ToListAsync(cancellationToken);
        foreach (var version in waited)
        {
            version.ExtractionReindex = false;
            db.Outbox.Add(new Crm.Platform.Outbox.OutboxMessage { Topic = Crm.Platform.Outbox.OutboxMessage.IndexDocument, EntityId = version.DocumentId, CreatedAt = clock.GetUtcNow() });
        }

        if (waited.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>How long a node's claim on reading a file holds; a node that died loses it to others after this.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Claims the unread current versions of these documents for this node, counting an attempt on each before
    /// any work (a file that takes the node down is not retried forever). A version another live node is reading
    /// is left to it. Returns the documents this node may read now.
    /// </summary>
    private async Task<HashSet<Guid>> ClaimAsync(List<Guid> documentIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        var mine = node.Name + "|";
        var owner = mine + Guid.NewGuid().ToString("N");
        await db.DocumentVersions
            .Where(v => documentIds.Contains(v.DocumentId) && !v.Extracted
                && (v.ExtractionLeaseUntil == null || v.ExtractionLeaseUntil < now || v.ExtractionLeaseOwner!.StartsWith(mine))
                && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number))
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.ExtractionAttempts, v => v.ExtractionAttempts + 1)
                .SetProperty(v => v.ExtractionLeaseUntil, until).SetProperty(v => v.ExtractionLeaseOwner, owner), cancellationToken);
        var claimed = await db.DocumentVersions.AsNoTracking().Where(v => documentIds.Contains(v.DocumentId) && v.ExtractionLeaseOwner == owner)
            .Select(v => new { v.Id, v.DocumentId, v.ExtractionAttempts }).ToListAsync(cancellationToken);
        // The tracked rows learn the count and the claim, so the verdict's save keeps them (one pass over the
        // tracker: each Entries() call would detect changes on every tracked row again).
        var tracked = db.ChangeTracker.Entries<DocumentVersion>().ToDictionary(e => e.Entity.Id);
        foreach (var row in claimed)
        {
            if (tracked.TryGetValue(row.Id, out var entry))
            {
                entry.Entity.ExtractionAttempts = row.ExtractionAttempts;
                entry.Entity.ExtractionLeaseUntil = until;
                entry.Entity.ExtractionLeaseOwner = owner;
                entry.State = EntityState.Unchanged;
            }
        }

        return [.. claimed.Select(r => r.DocumentId)];
    }

    /// <summary>Gives claims back without counting them (the batch failed for reasons not in the files).</summary>
    private async Task ReleaseAsync(HashSet<Guid> documentIds, CancellationToken cancellationToken)
    {
        var mine = node.Name + "|";
        var ids = documentIds.ToList();
        await db.DocumentVersions.Where(v => ids.Contains(v.DocumentId) && !v.Extracted && v.ExtractionLeaseOwner!.StartsWith(mine))
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.ExtractionAttempts, v => v.ExtractionAttempts > 0 ? v.ExtractionAttempts - 1 : 0)
                .SetProperty(v => v.ExtractionLeaseUntil, (DateTimeOffset?)null).SetProperty(v => v.ExtractionLeaseOwner, (string?)null), cancellationToken);
    }

    /// <summary>
    /// Versions another node is reading: indexed here by name and metadata for now, marked so that the reader
    /// queues them again when their text is in. If the text arrived meanwhile, it is taken at once.
    /// </summary>
    private async Task WaitForOtherReadersAsync(List<DocumentVersion> others, CancellationToken cancellationToken)
    {
        foreach (var version in others)
        {
            var marked = await db.DocumentVersions.Where(v => v.Id == version.Id && !v.Extracted)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.ExtractionReindex, true), cancellationToken);
            if (marked == 0)
            {
                await db.Entry(version).ReloadAsync(cancellationToken);
            }
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

        // Claimed and counted like the indexer's reads, and the verdict saved: a preview or a comparison of a
        // version not read yet reads it once, not on every request.
        if (db.Entry(version).State == EntityState.Detached)
        {
            db.DocumentVersions.Attach(version);
        }

        var claimed = await ClaimAsync([version.DocumentId], cancellationToken);
        await db.Entry(version).ReloadAsync(cancellationToken);
        if (version.Extracted || !claimed.Contains(version.DocumentId) && version.ExtractionLeaseOwner is not null)
        {
            return version.ExtractedText;   // read meanwhile, or being read by someone else right now
        }

        if (!claimed.Contains(version.DocumentId))
        {
            // not the current version (claims cover current versions): counted here instead
            version.ExtractionAttempts++;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (await ResultOfAsync(version, cancellationToken) is not { } result)
        {
            await ReleaseAsync([version.DocumentId], CancellationToken.None);
            return null;
        }

        Apply(version, result);
        await SaveVerdictsAsync([version], cancellationToken);
        return version.ExtractedText;
    }

    private Task<ExtractionResult?> ResultOfAsync(DocumentVersion version, CancellationToken cancellationToken) =>
        version.ExtractionAttempts > MaxAttempts
            // Counted before each try (see ClaimAsync): the earlier tries never came back.
            ? Task.FromResult<ExtractionResult?>(ExtractionResult.Poison($"Reading the file was begun {MaxAttempts} times and never finished."))
            : ExtractAsync(version.Sha256, version.ContentType, version.Size, cancellationToken);

    private static void Apply(DocumentVersion version, ExtractionResult result)
    {
        version.ExtractionLeaseUntil = null;
        version.ExtractionLeaseOwner = null;
        // The worker already replaces control characters; a NUL would still stop PostgreSQL from saving the batch.
        version.ExtractedText = result.Text is { } text ? ExtractedText.Storable(text) : null;
        version.ExtractionError = result.Error is { } error ? Bound(error, 2000) : null;
        version.ExtractionNote = result.Note is { } note ? Bound(note, 500) : null;
        version.ExtractionQuarantined = result.Poisoned;
        version.Extracted = true;
    }

    private static string Bound(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>The file's text; null when it cannot be tried now (object store or workers unavailable).</summary>
    private async Task<ExtractionResult?> ExtractAsync(string sha256, string contentType, long size, CancellationToken cancellationToken)
    {
        if (!ExtractableTypes.CanExtract(contentType))
        {
            return new ExtractionResult(null, null);
        }

        if (size > Limits.MaxBytes)
        {
            return ExtractionResult.Failed($"the file is larger than {Limits.MaxBytes / 1024 / 1024} MB; only its name and metadata are indexed.");
        }

        // The worker reads a local copy in a folder only this user can open; it never sees the object store.
        var path = Path.Combine(workers.Options.ScratchFolder, $"crm-extract-{Guid.NewGuid():N}");
        try
        {
            if (!fresh.TryTake(sha256, path))
            {
                await using var source = await objects.OpenReadAsync(ContentHash.Parse(sha256), cancellationToken);
                await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                await source.CopyToAsync(file, cancellationToken);
            }

            return await workers.ExtractAsync(path, contentType, Limits, cancellationToken);
        }
        catch (ObjectNotFoundException ex)
        {
            return ExtractionResult.Failed(ex.Message);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is InvalidOperationException or System.ComponentModel.Win32Exception
            or IOException or HttpRequestException or Minio.Exceptions.MinioException or TimeoutException)
        {
            // The store is unreachable, the disk full, or no worker starts: not this file's fault, try again later.
            return null;
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
