using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Crm.Platform.Audit;

/// <summary>
/// Runs inside every <see cref="CrmDbContext.SaveChangesAsync(bool, CancellationToken)"/>: turns the security-relevant
/// changes of the unit of work into audit rows (<see cref="AuditRules"/>) and chains every new audit row in the same
/// transaction. An exclusive lock (PostgreSQL advisory lock; SQLite's write lock via BEGIN IMMEDIATE) makes
/// "read the last hash, append after it" atomic across servers.
/// </summary>
internal static class AuditChain
{
    private const long ChainLockKey = 0x4352_4D41_5544_4954;   // "CRMAUDIT"

    /// <summary>Returns the transaction it opened (the caller commits it after saving), or null.</summary>
    public static async Task<IDbContextTransaction?> PrepareAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var clock = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        var key = services?.GetService(typeof(AuditKey)) as AuditKey;
        AuditRules.Derive(db, clock.GetUtcNow());
        var pending = db.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        AuditRedaction.Apply(pending);
        if (pending.Count == 0)
        {
            return null;
        }

        IDbContextTransaction? opened = null;
        if (db.Database.CurrentTransaction is null)
        {
            opened = await db.Database.BeginTransactionAsync(cancellationToken);   // SQLite: BEGIN IMMEDIATE takes the write lock now
        }

        var (sequence, previous) = db.IsSqlite ? await LastAsync(db, cancellationToken) : await LockAndLastAsync(db, cancellationToken);
        foreach (var entry in pending)
        {
            entry.Sequence = ++sequence;
            entry.At = AuditEntry.Normalize(entry.At == default ? clock.GetUtcNow() : entry.At);
            entry.PreviousHash = previous;
            entry.DataDigest = entry.Data is null ? null : AuditEntry.Digest(entry.Data);
            entry.Hash = key is null ? entry.ComputeHash() : entry.ComputeKeyedHash(key);
            previous = entry.Hash;
        }

        return opened;
    }

    private static async Task<(long Sequence, string Hash)> LastAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        return (last?.Sequence ?? 0, last?.Hash ?? AuditEntry.Genesis);
    }

    /// <summary>
    /// The chain's lock and its last row in one round trip: two statements in one command. They must stay two, because
    /// each statement reads with its own snapshot: the second one, taken after the lock, sees the row the previous
    /// holder committed (one statement would read with a snapshot from before it waited for the lock).
    /// </summary>
    private static async Task<(long Sequence, string Hash)> LockAndLastAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"""SELECT pg_advisory_xact_lock({ChainLockKey}); SELECT "Sequence", "Hash" FROM audit_log ORDER BY "Sequence" DESC LIMIT 1""";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditEntry.Genesis);
    }
}
