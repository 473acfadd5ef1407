using System.Data.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Common;

/// <summary>
/// Runs a read-modify-write unit of work again when another writer got there first (optimistic
/// concurrency, deadlock or serialization failure). The work re-reads fresh state on each attempt,
/// so the loser either succeeds on top of the winner's change or fails with a clear domain error.
/// </summary>
public static class ConflictRetry
{
    public const int MaxAttempts = 12;

    public static async Task<T> RunAsync<T>(WorkflowDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts && IsRetryable(ex))
            {
                EngineTelemetry.StepConflicts.Add(1);
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
            catch (DbUpdateException ex) when (IsRetryable(ex))
            {
                throw new ConflictException("The item was changed by someone else at the same moment; reload and try again.");
            }
        }
    }

    private static bool IsRetryable(DbUpdateException ex) =>
        ex is DbUpdateConcurrencyException
        || ex.InnerException is DbException { SqlState: "40001" or "40P01" }
        // Two writers inserted the same natural key (two steps of one instance appending history with the same
        // sequence number, two check-ins of one lock adding the same version number): a unique index caught the
        // loser before its revision check did. Same conflict: read again, then succeed or get a clear domain error.
        || ex.InnerException is DbException { SqlState: "23505" }
        || (ex.InnerException is DbException unique && unique.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal));
}
