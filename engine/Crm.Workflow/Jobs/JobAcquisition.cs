using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Jobs;

public sealed record AcquiredJob(Guid Id, Guid? InstanceId);

/// <summary>
/// Locks a batch of due jobs for one executor. PostgreSQL: one statement with FOR UPDATE SKIP LOCKED, so
/// executors on several servers never take the same job and never wait for each other; a lock that
/// expired (its server died) is taken over. Jobs of an instance whose other job is locked are left for
/// later, so one instance's jobs run one at a time. SQLite (one process): the same rules in two statements.
/// </summary>
public static class JobAcquisition
{
    public static async Task<List<AcquiredJob>> AcquireAsync(WorkflowDbContext db, string owner, int batchSize, TimeSpan lockFor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!db.IsSqlite)
        {
            return await db.Database.SqlQueryRaw<AcquiredJob>("""
                WITH picked AS (
                    SELECT j."Id" FROM jobs j
                    WHERE NOT j."Incident" AND j."DueAt" <= {0}
                      AND (j."LockedUntil" IS NULL OR j."LockedUntil" < {0})
                      AND (j."InstanceId" IS NULL OR NOT EXISTS (
                          SELECT 1 FROM jobs o WHERE o."InstanceId" = j."InstanceId" AND o."Id" <> j."Id" AND o."LockedUntil" >= {0}))
                    ORDER BY j."DueAt"
                    LIMIT {1}
                    FOR UPDATE SKIP LOCKED)
                UPDATE jobs SET "LockOwner" = {2}, "LockedUntil" = {3}
                FROM picked WHERE jobs."Id" = picked."Id"
                RETURNING jobs."Id" AS "Id", jobs."InstanceId" AS "InstanceId"
                """, now, batchSize, owner, now + lockFor).ToListAsync(cancellationToken);
        }

        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => !j.Incident && j.DueAt <= now && (j.LockedUntil == null || j.LockedUntil < now))
            .Where(j => j.InstanceId == null || !db.Jobs.Any(o => o.InstanceId == j.InstanceId && o.Id != j.Id && o.LockedUntil >= now))
            .OrderBy(j => j.DueAt).Take(batchSize)
            .Select(j => new AcquiredJob(j.Id, j.InstanceId))
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return candidates;
        }

        var ids = candidates.Select(c => c.Id).ToList();
        var until = now + lockFor;
        await db.Jobs.Where(j => ids.Contains(j.Id) && (j.LockedUntil == null || j.LockedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.LockOwner, owner).SetProperty(j => j.LockedUntil, until), cancellationToken);
        var locked = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id) && j.LockOwner == owner).Select(j => j.Id).ToListAsync(cancellationToken);
        return [.. candidates.Where(c => locked.Contains(c.Id))];
    }

    /// <summary>When the next job falls due (for sleeping until then), or null when none waits.</summary>
    public static async Task<DateTimeOffset?> NextDueAsync(WorkflowDbContext db, CancellationToken cancellationToken) =>
        await db.Jobs.AsNoTracking().Where(j => !j.Incident).OrderBy(j => j.DueAt).Select(j => (DateTimeOffset?)j.DueAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Gives back jobs this executor locked but did not start (shutting down).</summary>
    public static Task ReleaseAsync(WorkflowDbContext db, string owner, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        db.Jobs.Where(j => ids.Contains(j.Id) && j.LockOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.LockOwner, (string?)null).SetProperty(j => j.LockedUntil, (DateTimeOffset?)null), cancellationToken);
}
