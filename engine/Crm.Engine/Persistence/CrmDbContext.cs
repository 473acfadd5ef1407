using Crm.Engine.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Crm.Engine.Persistence;

/// <summary>
/// The one database context of the product. Every capability adds its entities through
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes beside the entity; migrations live in one
/// assembly per provider (storage/Crm.Storage.Sqlite, storage/Crm.Storage.PostgreSql).
/// </summary>
public sealed class CrmDbContext(DbContextOptions<CrmDbContext> options) : DbContext(options)
{
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";

    public DbSet<User> Users => Set<User>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Processes.ProcessDefinition> ProcessDefinitions => Set<Processes.ProcessDefinition>();
    public DbSet<Processes.ProcessInstance> ProcessInstances => Set<Processes.ProcessInstance>();
    public DbSet<Processes.HistoryBatch> HistoryBatches => Set<Processes.HistoryBatch>();
    public DbSet<Tasks.UserTask> UserTasks => Set<Tasks.UserTask>();
    public DbSet<Tasks.TaskCandidate> TaskCandidates => Set<Tasks.TaskCandidate>();
    public DbSet<Jobs.Job> Jobs => Set<Jobs.Job>();
    public DbSet<Messages.MessageSubscription> MessageSubscriptions => Set<Messages.MessageSubscription>();
    public DbSet<Processes.JournalEntry> Journal => Set<Processes.JournalEntry>();
    public DbSet<Documents.Folder> Folders => Set<Documents.Folder>();
    public DbSet<Documents.FolderPermissionEntry> FolderPermissions => Set<Documents.FolderPermissionEntry>();
    public DbSet<Documents.Document> Documents => Set<Documents.Document>();
    public DbSet<Documents.DocumentPermissionEntry> DocumentPermissions => Set<Documents.DocumentPermissionEntry>();
    public DbSet<Documents.DocumentVersion> DocumentVersions => Set<Documents.DocumentVersion>();
    public DbSet<Documents.DocumentEvent> DocumentEvents => Set<Documents.DocumentEvent>();
    public DbSet<Documents.OutboxMessage> Outbox => Set<Documents.OutboxMessage>();
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Processes.Design.ProcessDraft> ProcessDrafts => Set<Processes.Design.ProcessDraft>();
    public DbSet<Audit.AuditEntry> AuditLog => Set<Audit.AuditEntry>();
    public DbSet<Knowledge.Article> Articles => Set<Knowledge.Article>();
    public DbSet<Knowledge.ArticleVersion> ArticleVersions => Set<Knowledge.ArticleVersion>();
    public DbSet<Knowledge.ArticleAttachment> ArticleAttachments => Set<Knowledge.ArticleAttachment>();
    public DbSet<Knowledge.ArticleOpen> ArticleOpens => Set<Knowledge.ArticleOpen>();
    public DbSet<Knowledge.ReadConfirmation> ReadConfirmations => Set<Knowledge.ReadConfirmation>();
    public DbSet<Knowledge.ReadingAssignment> ReadingAssignments => Set<Knowledge.ReadingAssignment>();
    public DbSet<Knowledge.ReadingRequirement> ReadingRequirements => Set<Knowledge.ReadingRequirement>();
    public DbSet<Counterparties.Counterparty> Counterparties => Set<Counterparties.Counterparty>();
    public DbSet<Counterparties.ContactPerson> Persons => Set<Counterparties.ContactPerson>();
    public DbSet<Counterparties.Activity> Activities => Set<Counterparties.Activity>();
    public DbSet<Counterparties.CrmNote> Notes => Set<Counterparties.CrmNote>();
    public DbSet<Counterparties.CrmCase> Cases => Set<Counterparties.CrmCase>();

    public bool IsSqlite => Database.ProviderName == SqliteProviderName;

    /// <summary>After a commit that created a job due now, the local job executor wakes at once instead of at its next poll.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var soon = DateTimeOffset.UtcNow.AddSeconds(1);
        var wakesExecutor = ChangeTracker.Entries<global::Crm.Engine.Jobs.Job>().Any(e => e.State == EntityState.Added && e.Entity.DueAt <= soon);
        var wakesIndexer = ChangeTracker.Entries<global::Crm.Engine.Documents.OutboxMessage>().Any(e => e.State == EntityState.Added);
        var auditTransaction = await Audit.AuditChain.PrepareAsync(this, cancellationToken);
        int result;
        try
        {
            result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
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

        if (wakesExecutor)
        {
            Common.WakeSignal.Jobs.Raise();
        }

        if (wakesIndexer)
        {
            Common.WakeSignal.Outbox.Raise();
        }

        return result;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);

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
