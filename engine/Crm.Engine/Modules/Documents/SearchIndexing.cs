using Crm.Platform.Common;
using Crm.Platform.Outbox;
using Crm.Platform.Search;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Modules.Documents;

/// <summary>
/// Applies the outbox to this node's index: messages after the index's committed position, in id order,
/// then one commit that records the new position. A crash before the commit re-applies the same messages;
/// upserts by id make that harmless. A gap in the ids (a transaction still committing) is waited for a few
/// seconds, then skipped (it was rolled back).
/// </summary>
public sealed class SearchIndexer(IServiceScopeFactory scopes, SearchIndex index, TimeProvider clock)
{
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(5);

    public SearchIndex Index => index;

    /// <summary>
    /// Applies up to one batch; returns how many messages it applied. Without <paramref name="commit"/> the batch is
    /// published to searches at once and committed later (<see cref="SearchIndex.CommitPublished"/>).
    /// </summary>
    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken, bool commit = true)
    {
        var last = index.AppliedUpTo;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.Id > last).OrderBy(m => m.Id).Take(500).ToListAsync(cancellationToken);
        var batch = new List<OutboxMessage>();
        var expected = last + 1;
        var settled = clock.GetUtcNow() - GapWait;
        foreach (var row in rows)
        {
            if (row.Id != expected && row.CreatedAt > settled)
            {
                break;   // an earlier id may still be committing
            }

            batch.Add(row);
            expected = row.Id + 1;
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        // A chunk of documents at a time: few queries, texts extracted side by side in the worker pool, one save.
        // The next chunk is read while Lucene analyses this one, so the database, the workers and the analyzer overlap.
        var chunks = batch.Where(m => m.Topic == OutboxMessage.IndexDocument).Select(m => m.EntityId).Distinct().Chunk(100).ToList();
        var next = chunks.Count > 0 ? BuildDocumentsAsync(chunks[0], cancellationToken) : null;
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var entries = await next!;
                next = i + 1 < chunks.Count ? BuildDocumentsAsync(chunks[i + 1], cancellationToken) : null;
                foreach (var (id, entry) in entries)
                {
                    if (entry is not null)
                    {
                        index.Upsert(entry);
                    }
                    else
                    {
                        index.Delete(id.ToString());
                    }
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                // this chunk failed: the one being read is let finish (its claims and verdicts stay consistent), not applied
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }

        // Other modules' records (articles ...) through their search sources, one scope per topic.
        foreach (var topic in batch.Where(m => m.Topic != OutboxMessage.IndexDocument).GroupBy(m => m.Topic))
        {
            await using var itemScope = scopes.CreateAsyncScope();
            var source = itemScope.ServiceProvider.GetServices<ISearchSource>().SingleOrDefault(s => s.Topic == topic.Key);
            foreach (var id in source is null ? [] : topic.Select(m => m.EntityId).Distinct())
            {
                if (await source!.BuildAsync(id, cancellationToken) is { } entry)
                {
                    index.Upsert(entry);
                }
                else
                {
                    index.Delete(id.ToString());
                }
            }
        }

        if (commit)
        {
            index.Commit(batch[^1].Id);
        }
        else
        {
            index.Publish(batch[^1].Id);
        }

        return batch.Count;
    }

    private async Task<Dictionary<Guid, IndexEntry?>> BuildDocumentsAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DocumentIndexer>().BuildManyAsync([.. ids], cancellationToken);
    }

    /// <summary>
    /// Queues again the current versions whose text could not be tried (store or workers were unavailable), once
    /// they have waited a little and nobody holds a claim on them; returns how many.
    /// </summary>
    public async Task<int> RequeueUnreadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var now = clock.GetUtcNow();
        var before = now - TimeSpan.FromMinutes(2);
        var ids = await db.DocumentVersions.AsNoTracking()
            .Where(v => !v.Extracted && v.CreatedAt < before && (v.ExtractionLeaseUntil == null || v.ExtractionLeaseUntil < now)
                && db.Documents.Any(d => d.Id == v.DocumentId && d.CurrentVersion == v.Number))
            .OrderBy(v => v.CreatedAt).Select(v => v.DocumentId).Take(200).ToListAsync(cancellationToken);
        foreach (var id in ids)
        {
            db.Outbox.Add(new OutboxMessage { Topic = OutboxMessage.IndexDocument, EntityId = id, CreatedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
        return ids.Count;
    }

    /// <summary>Deletes outbox rows this node applied longer ago than the retention (see <see cref="OutboxCleanup"/>).</summary>
    public async Task<int> CleanUpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await OutboxCleanup.DeleteDeliveredAsync(db, index.LastApplied, clock.GetUtcNow() - OutboxCleanup.Retention, cancellationToken);
    }

    /// <summary>Rebuilds the index from the database and the object store, reporting (done, total).</summary>
    public async Task<int> RebuildAsync(IProgress<(int Done, int Total)> progress, CancellationToken cancellationToken)
    {
        long position;
        List<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            // Messages up to here are covered by the rebuild; later ones are applied after it.
            position = await db.Outbox.MaxAsync(m => (long?)m.Id, cancellationToken) ?? 0;
            ids = await db.Documents.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Id).ToListAsync(cancellationToken);
        }

        index.Clear();
        for (var i = 0; i < ids.Count; i += 200)
        {
            await using var scope = scopes.CreateAsyncScope();
            var indexer = scope.ServiceProvider.GetRequiredService<DocumentIndexer>();
            List<Guid> chunk = [.. ids.Skip(i).Take(200)];
            foreach (var entry in (await indexer.BuildManyAsync(chunk, cancellationToken)).Values)
            {
                if (entry is not null)
                {
                    index.Upsert(entry);
                }
            }

            progress.Report((Math.Min(i + 200, ids.Count), ids.Count));
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            foreach (var source in scope.ServiceProvider.GetServices<ISearchSource>())
            {
                await foreach (var entry in source.AllEntriesAsync(cancellationToken))
                {
                    index.Upsert(entry);
                }
            }
        }

        index.Commit(position, rebuilt: true);
        return ids.Count;
    }
}

/// <summary>
/// The background worker that keeps this node's index current. An index that is new, or was built by another analyzer
/// or content version (<see cref="SearchIndex.NeedsRebuild"/>), is rebuilt from the database first.
/// </summary>
public sealed class SearchIndexWorker(SearchIndexer indexer, Crm.Storage.Extraction.ExtractionWorkerPool extraction, FreshUploads fresh, HousekeepingReport report, TimeProvider clock, ILogger<SearchIndexWorker> logger) : BackgroundService
{
    private static readonly TimeSpan CleanUpEvery = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long applied changes may wait for a commit. They are searchable at once (published); the commit (an fsync of
    /// the index files) makes them durable, once for everything a busy second brought instead of once per upload.
    /// </summary>
    public static readonly TimeSpan CommitEvery = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanUp = clock.GetUtcNow();
        try
        {
            await extraction.WarmUpAsync(stoppingToken);   // logs what this node can read (pdftotext, OCR)
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The text extraction worker does not start: documents are indexed by name and metadata only");
        }

        await RebuildIfStaleAsync(stoppingToken);
        var lastCommit = System.Diagnostics.Stopwatch.GetTimestamp();   // real time: a test's frozen clock must not stop commits
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextCleanUp)
                {
                    nextCleanUp = clock.GetUtcNow() + CleanUpEvery;
                    if (await indexer.RequeueUnreadAsync(stoppingToken) is > 0 and var requeued)
                    {
                        logger.LogInformation("Queued {Count} documents whose text could not be read earlier", requeued);
                    }

                    fresh.Sweep(TimeSpan.FromHours(1));
                    var deleted = await indexer.CleanUpAsync(stoppingToken);
                    report.Add(new HousekeepingRun("outbox", clock.GetUtcNow(),
                        $"{deleted} delivered outbox rows older than {OutboxCleanup.Retention.TotalDays:0} days deleted", deleted, 0));
                    if (deleted > 0)
                    {
                        logger.LogInformation("Deleted {Count} delivered outbox rows", deleted);
                    }
                }

                var applied = await indexer.ApplyPendingAsync(stoppingToken, commit: false);
                var sinceCommit = System.Diagnostics.Stopwatch.GetElapsedTime(lastCommit);
                if (indexer.Index.HasUncommitted && sinceCommit >= CommitEvery)
                {
                    indexer.Index.CommitPublished();
                    lastCommit = System.Diagnostics.Stopwatch.GetTimestamp();
                    sinceCommit = TimeSpan.Zero;
                }

                if (applied == 0)
                {
                    // Idle: wake for new messages, or when what was published is due for its commit.
                    await WakeSignal.Outbox.WaitAsync(indexer.Index.HasUncommitted ? CommitEvery - sinceCommit : TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Search index update failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        try
        {
            indexer.Index.CommitPublished();   // a clean stop keeps what was published; a crash re-applies it from the outbox
        }
        catch (ObjectDisposedException)
        {
            // the index closed first (its writer commits on close)
        }
    }

    private async Task RebuildIfStaleAsync(CancellationToken stoppingToken)
    {
        if (!indexer.Index.NeedsRebuild)
        {
            return;
        }

        try
        {
            var started = clock.GetTimestamp();
            logger.LogInformation("Rebuilding the search index ({Stamp})", indexer.Index.Stamp);
            var count = await indexer.RebuildAsync(new Progress<(int Done, int Total)>(), stoppingToken);
            logger.LogInformation("Search index rebuilt: {Count} documents and the records in {Elapsed}", count, clock.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stamp is only committed by a finished rebuild, so the next start tries again.
            logger.LogError(ex, "Rebuilding the search index failed; it is retried at the next start");
        }
    }
}

public sealed record SearchRequest(string? Q, Guid? FolderId, string? Type, string? Status, string? Owner, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

public sealed record SearchResponse(int Total, IReadOnlyList<SearchHit> Items);

/// <summary>
/// Full-text search, filtered by the caller's principals inside the index query. A snippet shows part of a
/// document's text: every document shown with one gets a register row.
/// </summary>
public sealed class SearchService(SearchIndex index, CrmDbContext db, DocumentService documents)
{
    public async Task<SearchResponse> SearchAsync(SearchRequest request, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        if (request.PageSize > 100)
        {
            throw ValidationFailedException.For("pageSize", "At most 100 results per page.");
        }

        var result = index.Search(new SearchQuery(request.Q, DocumentAccess.PrincipalTokens(user), user.IsAdmin, request.FolderId?.ToString(),
            request.Type, request.Status?.ToLowerInvariant(), request.Owner, request.From, request.To, Math.Max(1, request.Page), request.PageSize <= 0 ? 20 : request.PageSize));
        var shown = result.Items.Where(h => h.Kind == DocumentIndexer.Kind && !string.IsNullOrEmpty(h.Snippet)).Select(h => Guid.TryParse(h.Id, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).ToList();
        foreach (var id in shown)
        {
            documents.Record(id, null, DocumentEventKind.SnippetShown, user.UserName, from, new { q = request.Q is { Length: > 200 } q ? q[..200] : request.Q });
        }

        if (shown.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return new SearchResponse(result.Total, result.Items);
    }
}
