using System.Globalization;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Platform.Audit;

/// <summary>A signed statement "the chain had N rows ending in this hash at this time", kept in object storage.</summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset At, string Signature);

/// <summary>
/// Anchors the audit chain outside the database: the head (sequence and hash) is written, signed with the audit
/// key, as a write-once record in the object store. Verification then notices rows deleted from the end or the
/// whole table emptied, which a chain alone cannot show.
/// </summary>
public sealed class AuditCheckpoints(CrmDbContext db, IObjectStore store, AuditKey key, TimeProvider clock)
{
    /// <summary>Where this installation's checkpoints are: one folder per audit key.</summary>
    private string Prefix => $"audit/checkpoints/{key.Id}/";

    /// <summary>Writes a checkpoint of the current head unless the latest one already has it; returns it.</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken cancellationToken)
    {
        var head = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        if (await LatestAsync(cancellationToken) is { } latest && latest.Sequence == head.Sequence)
        {
            return latest;
        }

        var at = clock.GetUtcNow();
        var checkpoint = new AuditCheckpoint(head.Sequence, head.Hash, at, key.Sign(Content(head.Sequence, head.Hash, at)));
        var name = $"{Prefix}{head.Sequence:D15}-{at.UtcTicks:D19}.json";
        await store.PutRecordAsync(name, JsonSerializer.SerializeToUtf8Bytes(checkpoint), cancellationToken);
        return checkpoint;
    }

    /// <summary>The newest checkpoint with a valid signature (a forged or damaged one is reported by <see cref="CheckAsync"/>).</summary>
    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken)
    {
        var names = await store.ListRecordsAsync(Prefix, cancellationToken);
        return names.Count == 0 ? null : await ReadAsync(names[^1], cancellationToken);
    }

    /// <summary>Null when the chain still holds the latest checkpoint; otherwise what is wrong.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var names = await store.ListRecordsAsync(Prefix, cancellationToken);
        if (names.Count == 0)
        {
            return null;
        }

        var checkpoint = await ReadAsync(names[^1], cancellationToken);
        if (checkpoint is null || key.Sign(Content(checkpoint.Sequence, checkpoint.Hash, checkpoint.At)) != checkpoint.Signature)
        {
            return $"The latest checkpoint ({names[^1]}) is not signed with the audit key.";
        }

        var row = await db.AuditLog.AsNoTracking().Where(a => a.Sequence == checkpoint.Sequence).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            var last = await db.AuditLog.AsNoTracking().MaxAsync(a => (long?)a.Sequence, cancellationToken) ?? 0;
            return $"The chain had {checkpoint.Sequence} rows at {checkpoint.At:yyyy-MM-dd HH:mm} UTC but now ends at {last}: rows were deleted.";
        }

        return row == checkpoint.Hash ? null : $"Row {checkpoint.Sequence} differs from the checkpoint of {checkpoint.At:yyyy-MM-dd HH:mm} UTC: the chain was rewritten.";
    }

    private async Task<AuditCheckpoint?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetRecordAsync(name, cancellationToken) is { } bytes ? JsonSerializer.Deserialize<AuditCheckpoint>(bytes) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Content(long sequence, string hash, DateTimeOffset at) =>
        string.Join('|', sequence.ToString(CultureInfo.InvariantCulture), hash, at.UtcTicks.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Writes an audit checkpoint every few minutes (<c>Crm:Audit:CheckpointInterval</c>, default 5 min).</summary>
public sealed class AuditCheckpointWorker(IServiceScopeFactory scopes, Microsoft.Extensions.Configuration.IConfiguration configuration, ILogger<AuditCheckpointWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.TryParse(configuration["Crm:Audit:CheckpointInterval"], CultureInfo.InvariantCulture, out var configured) && configured > TimeSpan.Zero
            ? configured : TimeSpan.FromMinutes(5);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().WriteAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Writing the audit checkpoint failed; retrying at the next interval");
            }

            await Task.Delay(interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
