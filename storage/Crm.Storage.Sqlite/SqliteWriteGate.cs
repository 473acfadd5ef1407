using System.Collections.Concurrent;
using Crm.Workflow.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Storage.Sqlite;

/// <summary>
/// SQLite has one writer at a time; a second writer gets SQLITE_BUSY and Microsoft.Data.Sqlite retries it
/// with sleeps, which under concurrent load wastes most of the time asleep. The embedded mode runs in
/// one process, so writers queue here instead (an async gate per database file) and never collide.
/// The product's context enters the gate before its save opens a transaction (the audit chain's
/// BEGIN IMMEDIATE takes SQLite's write lock): entering it only inside SaveChanges, after that, let two
/// saves wait for each other until SQLite's busy timeout ("database is locked", a minute-long hang).
/// Entering is re-entrant per context; the gate opens when the outermost holder leaves.
/// </summary>
internal sealed class SqliteWriteGate : SaveChangesInterceptor, IWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate;
    // Contexts that entered explicitly (WorkflowDbContext around its whole save), with their depth ...
    private readonly ConcurrentDictionary<DbContext, int> _explicit = new(ReferenceEqualityComparer.Instance);
    // ... and those the save hooks let in. Every way a save can end releases these once: a concurrency
    // conflict ends in ThrowingConcurrencyException, not SaveChangesFailed, and used to keep the gate shut
    // for good (a raced check-out left every later write waiting).
    private readonly ConcurrentDictionary<DbContext, bool> _implicit = new(ReferenceEqualityComparer.Instance);

    public SqliteWriteGate(string connectionString)
    {
        var file = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        _gate = Gates.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
    }

    public async ValueTask EnterAsync(DbContext context, CancellationToken cancellationToken)
    {
        if (_explicit.TryGetValue(context, out var depth))
        {
            _explicit[context] = depth + 1;
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        _explicit[context] = 1;
    }

    public void Leave(DbContext context)
    {
        if (!_explicit.TryGetValue(context, out var depth))
        {
            return;
        }

        if (depth > 1)
        {
            _explicit[context] = depth - 1;
            return;
        }

        _explicit.TryRemove(context, out _);
        _gate.Release();
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        if (!_explicit.ContainsKey(context))
        {
            await _gate.WaitAsync(cancellationToken);
            _implicit[context] = true;
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        var context = eventData.Context!;
        if (!_explicit.ContainsKey(context))
        {
            _gate.Wait();
            _implicit[context] = true;
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    private void Release(DbContext? context)
    {
        if (context is not null && _implicit.TryRemove(context, out _))
        {
            _gate.Release();
        }
    }
}
