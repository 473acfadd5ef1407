using Crm.Platform.Outbox;
using Crm.Platform.Identity;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>
/// The one database context of the product: the engine's tables (<see cref="WorkflowDbContext"/>), the
/// platform's (here) and each business module's, declared in a partial part in the module's own folder
/// (e.g. <c>Modules/Documents/DocumentTables.cs</c>) so a module's tables are visible where the module is.
/// Entities are configured by <see cref="IEntityTypeConfiguration{TEntity}"/> classes beside them; migrations
/// live in one assembly per provider (storage/Crm.Storage.Sqlite, storage/Crm.Storage.PostgreSql).
/// </summary>
public sealed partial class CrmDbContext(DbContextOptions<CrmDbContext> options) : WorkflowDbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Outbox.OutboxMessage> Outbox => Set<Outbox.OutboxMessage>();
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Audit.AuditEntry> AuditLog => Set<Audit.AuditEntry>();

    /// <summary>
    /// Audit rows are chained in the same transaction as the change they record; changed records queue their search
    /// index update (<see cref="Search.ISearchFeed"/>); an outbox row wakes the indexer.
    /// </summary>
    protected override async Task<int> SaveChangesCoreAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        Search.SearchFeeds.Queue(this);
        var wakesOutbox = ChangeTracker.Entries<Outbox.OutboxMessage>().Any(e => e.State == EntityState.Added);
        var auditTransaction = await Audit.AuditChain.PrepareAsync(this, cancellationToken);
        int result;
        try
        {
            result = await base.SaveChangesCoreAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (auditTransaction is not null)
            {
                await auditTransaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (auditTransaction is not null)
            {
                await auditTransaction.DisposeAsync();   // rolls back when the save or commit failed
            }
        }

        if (wakesOutbox)
        {
            WakeSignal.Outbox.Raise();
        }

        return result;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);
    }
}
