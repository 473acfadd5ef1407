using Crm.Modules.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The knowledge module's tables in the product's one context.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Article> Articles => Set<Article>();
    public DbSet<ArticleVersion> ArticleVersions => Set<ArticleVersion>();
    public DbSet<ArticleAttachment> ArticleAttachments => Set<ArticleAttachment>();
    public DbSet<ArticleOpen> ArticleOpens => Set<ArticleOpen>();
    public DbSet<ReadConfirmation> ReadConfirmations => Set<ReadConfirmation>();
    public DbSet<ReadingAssignment> ReadingAssignments => Set<ReadingAssignment>();
    public DbSet<ReadingRequirement> ReadingRequirements => Set<ReadingRequirement>();
}
