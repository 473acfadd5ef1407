using System.Text.RegularExpressions;
using Crm.Modules.Documents.Previews;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Modules.Documents;

/// <summary>What one housekeeping run did, for the log and the maintenance page.</summary>
public sealed record HousekeepingRun(string Job, DateTimeOffset At, string Summary, long Count, long Bytes);

/// <summary>The last run of each housekeeping job on this node.</summary>
public sealed class HousekeepingReport
{
    private readonly Dictionary<string, HousekeepingRun> _last = new(StringComparer.Ordinal);

    public void Add(HousekeepingRun run)
    {
        lock (_last)
        {
            _last[run.Job] = run;
        }
    }

    public IReadOnlyList<HousekeepingRun> Last()
    {
        lock (_last)
        {
            return [.. _last.Values.OrderBy(r => r.Job, StringComparer.Ordinal)];
        }
    }
}

/// <summary>
/// Removes blobs nothing refers to: bytes of uploads that failed after storing, of documents removed, of a check-in
/// abandoned. An object is kept while a document version or a running process (a check-in waiting for review holds
/// its file's hash in a variable) refers to it, and while it is younger than the grace period: an upload in flight
/// stores its bytes before its row commits, and a put that finds its bytes already stored refreshes their write
/// time. Deleting takes two steps a grace period apart: to the trash (references are read again right after, and
/// a read of a trashed object restores it), then for good if still unreferenced. Several nodes may run this at once.
/// </summary>
public sealed partial class BlobCollector(CrmDbContext db, IObjectStore objects, TimeProvider clock)
{
    public static readonly TimeSpan Grace = TimeSpan.FromHours(24);

    public async Task<HousekeepingRun> CollectAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - grace;
        long listed = 0, trashed = 0, deleted = 0, freed = 0;
        var batch = new List<StoredBlob>();
        await foreach (var blob in objects.ListObjectsAsync(cancellationToken))
        {
            listed++;
            if (blob.LastWritten < cutoff)
            {
                batch.Add(blob);
            }

            if (batch.Count == 500)
            {
                trashed += await TrashUnreferencedAsync(batch, cutoff, cancellationToken);
                batch.Clear();
            }
        }

        trashed += await TrashUnreferencedAsync(batch, cutoff, cancellationToken);

        // Second step, a grace period later: what is still in the trash and still unreferenced goes for good.
        var expired = new List<StoredBlob>();
        await foreach (var blob in objects.ListTrashAsync(cancellationToken))
        {
            if (blob.LastWritten < cutoff)
            {
                expired.Add(blob);
            }
        }

        foreach (var chunk in expired.Chunk(500))
        {
            var referenced = await ReferencedAsync([.. chunk], cancellationToken);
            foreach (var blob in chunk)
            {
                if (referenced.Contains(blob.Hash.ToString()))
                {
                    await objects.RestoreAsync(blob.Hash, cancellationToken);
                    continue;
                }

                await objects.DeleteTrashedAsync(blob.Hash, cancellationToken);
                deleted++;
                freed += blob.Size;
            }
        }

        var renditions = await RemoveOrphanRenditionsAsync(cancellationToken);
        return new HousekeepingRun("blobs", clock.GetUtcNow(),
            $"{listed} objects checked, {trashed} unreferenced objects older than {grace.TotalHours:0.##} h moved to the trash, "
            + $"{deleted} deleted from the trash for good ({freed / 1024.0 / 1024:0.#} MB freed), {renditions} previews of removed files deleted", trashed, freed);
    }

    /// <summary>
    /// Moves unreferenced candidates to the trash, then looks at the references again: one an upload committed
    /// in between comes straight back (and a read of a trashed object restores it too).
    /// </summary>
    private async Task<long> TrashUnreferencedAsync(List<StoredBlob> candidates, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return 0;
        }

        var referenced = await ReferencedAsync(candidates, cancellationToken);
        var moved = new List<StoredBlob>();
        foreach (var blob in candidates.Where(c => !referenced.Contains(c.Hash.ToString())))
        {
            // Written again since it was listed (an upload of the same bytes touches them): leave it.
            if (await objects.StatAsync(blob.Hash, cancellationToken) is not { } now || now.LastWritten >= cutoff)
            {
                continue;
            }

            if (await objects.TrashAsync(blob.Hash, cancellationToken))
            {
                moved.Add(blob);
            }
        }

        var nowReferenced = await ReferencedAsync(moved, cancellationToken);
        foreach (var blob in moved.Where(m => nowReferenced.Contains(m.Hash.ToString())))
        {
            await objects.RestoreAsync(blob.Hash, cancellationToken);
        }

        return moved.Count(m => !nowReferenced.Contains(m.Hash.ToString()));
    }

    /// <summary>
    /// PDF previews of Office files are kept by content hash; once no document version has that content (the document
    /// was removed, or its person's data erased), the preview would keep the text readable: it goes too.
    /// </summary>
    private async Task<int> RemoveOrphanRenditionsAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        var names = await objects.ListRecordsAsync(DocumentRenditions.PdfPrefix, cancellationToken);
        foreach (var chunk in names.Chunk(500))
        {
            var hashes = chunk.Select(n => n[DocumentRenditions.PdfPrefix.Length..]).ToList();
            var live = (await db.DocumentVersions.AsNoTracking().Where(v => hashes.Contains(v.Sha256)).Select(v => v.Sha256).Distinct().ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var name in chunk.Where(n => !live.Contains(n[DocumentRenditions.PdfPrefix.Length..])))
            {
                await objects.DeleteDerivedRecordAsync(name, cancellationToken);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Which of these hashes a document version or a running process refers to.</summary>
    private async Task<HashSet<string>> ReferencedAsync(List<StoredBlob> blobs, CancellationToken cancellationToken)
    {
        if (blobs.Count == 0)
        {
            return [];
        }

        var hashes = blobs.Select(c => c.Hash.ToString()).ToList();
        var referenced = (await db.DocumentVersions.AsNoTracking().Where(v => hashes.Contains(v.Sha256)).Select(v => v.Sha256).Distinct().ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        referenced.UnionWith(await HeldByRunningProcessesAsync(cancellationToken));
        return referenced;
    }

    /// <summary>Hashes in the state of running instances (a "file" variable of a check-in under review).</summary>
    private async Task<HashSet<string>> HeldByRunningProcessesAsync(CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var states = db.ProcessInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.Active && i.State.Contains("sha256")).Select(i => i.State).AsAsyncEnumerable();
        await foreach (var state in states.WithCancellation(cancellationToken))
        {
            foreach (Match match in Sha256Value().Matches(state))
            {
                held.Add(match.Groups[1].Value);
            }
        }

        return held;
    }

    [GeneratedRegex("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"", RegexOptions.None, 1000)]
    private static partial Regex Sha256Value();
}

/// <summary>Runs the blob collector every few hours (first an hour after start, not on every restart's hot path).</summary>
public sealed class BlobCollectorWorker(IServiceScopeFactory scopes, HousekeepingReport report, TimeProvider clock, ILogger<BlobCollectorWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<BlobCollector>().CollectAsync(BlobCollector.Grace, stoppingToken);
                report.Add(run);
                logger.LogInformation("Blob collector: {Summary}", run.Summary);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Blob collection failed; trying again later");
            }

            await Task.Delay(Every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
