using Crm.Workflow.Common;
using Crm.Workflow.Jobs;
using Crm.Workflow.Messages;
using Crm.Workflow.Processes;
using Crm.Workflow.Processes.Design;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Crm.Workflow.Persistence;

/// <summary>
/// The engine's tables. The product's one context derives from this one and adds the platform's and the
/// modules' tables, so an engine step and the business change it causes commit in one transaction, while
/// the engine itself knows nothing of what sits above it.
/// </summary>
public abstract class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";

    public DbSet<ProcessDefinition> ProcessDefinitions => Set<ProcessDefinition>();
    public DbSet<ProcessInstance> ProcessInstances => Set<ProcessInstance>();
    public DbSet<HistoryBatch> HistoryBatches => Set<HistoryBatch>();
    public DbSet<UserTask> UserTasks => Set<UserTask>();
    public DbSet<TaskCandidate> TaskCandidates => Set<TaskCandidate>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<MessageSubscription> MessageSubscriptions => Set<MessageSubscription>();
    public DbSet<JournalEntry> Journal => Set<JournalEntry>();
    public DbSet<ProcessDraft> ProcessDrafts => Set<ProcessDraft>();
    public DbSet<Decisions.DecisionDefinition> DecisionDefinitions => Set<Decisions.DecisionDefinition>();
    public DbSet<Decisions.DecisionEvaluation> DecisionEvaluations => Set<Decisions.DecisionEvaluation>();
    public DbSet<ExternalTasks.ExternalTask> ExternalTasks => Set<ExternalTasks.ExternalTask>();

    public bool IsSqlite => Database.ProviderName == SqliteProviderName;

    /// <summary>After a commit that created a job due now, the local job executor wakes at once instead of at its next poll.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var soon = DateTimeOffset.UtcNow.AddSeconds(1);
        var wakesExecutor = ChangeTracker.Entries<Job>().Any(e => e.State == EntityState.Added && e.Entity.DueAt <= soon);
        // Long-polling workers wake when a task is offered: a new one, or one whose lock was given back.
        var wakesWorkers = ChangeTracker.Entries<Crm.Workflow.ExternalTasks.ExternalTask>()
            .Any(e => e.State == EntityState.Added || (e.State == EntityState.Modified && e.Entity.LockExpiresAt is null));
        // The write gate first, before anything the save does opens a transaction (see IWriteGate).
        var gate = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<IWriteGate>().FirstOrDefault();
        int result;
        if (gate is null)
        {
            result = await SaveChangesCoreAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        else
        {
            await gate.EnterAsync(this, cancellationToken);
            try
            {
                result = await SaveChangesCoreAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            finally
            {
                gate.Leave(this);
            }
        }

        if (wakesExecutor)
        {
            WakeSignal.Jobs.Raise();
        }

        if (wakesWorkers)
        {
            Crm.Workflow.ExternalTasks.ExternalTaskSignal.Raise();
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="work"/> (reads, then saves) in one transaction that no other writer of the same
    /// <paramref name="lockKey"/> interleaves with: PostgreSQL takes the advisory lock, SQLite its write lock (behind
    /// the write gate, entered first as every save does). For a check that must still hold when its save commits.
    /// </summary>
    public async Task<T> SerializedAsync<T>(long lockKey, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var gate = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<IWriteGate>().FirstOrDefault();
        if (gate is not null)
        {
            await gate.EnterAsync(this, cancellationToken);
        }

        try
        {
            await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
            if (!IsSqlite)
            {
                await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken);
            }

            var result = await work();
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            gate?.Leave(this);
        }
    }

    /// <summary>The save itself; a derived context wraps it (e.g. to chain audit rows in the same transaction).</summary>
    protected virtual Task<int> SaveChangesCoreAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken) =>
        base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorkflowDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Provider quirks live here and nowhere else. SQLite cannot compare or order
        // DateTimeOffset in SQL, so it stores them as sortable 64-bit integers.
        if (IsSqlite)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
}
