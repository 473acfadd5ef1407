using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Persistence;

/// <summary>
/// A database with one writer at a time (SQLite) lets writers queue in process instead of colliding. The gate
/// must be the first lock a save takes: a save that opens its transaction (and so the database's write lock)
/// before queueing would wait for a writer that waits for that very lock. Re-entrant per context.
/// </summary>
public interface IWriteGate
{
    ValueTask EnterAsync(DbContext context, CancellationToken cancellationToken);

    void Leave(DbContext context);
}
