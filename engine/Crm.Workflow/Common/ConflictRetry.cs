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
        // Two steps of one instance both appended history with the same next sequence number: the
        // unique index caught the loser before its instance revision check did. Same conflict.
        || (ex.InnerException is DbException unique && unique.Message.Contains("history_batches", StringComparison.Ordinal));
}
