using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Knowledge;

public enum ArticleVersionStatus
{
    Draft = 0,
    InReview = 1,
    Published = 2,
    Returned = 3,
    /// <summary>A newer version was published.</summary>
    Superseded = 4,
}

/// <summary>A knowledge-base article: the stable identity; text and title live in its versions.</summary>
public sealed class Article
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Title { get; set; }
    /// <summary>Path in the classification tree, e.g. "Quality/Procedures".</summary>
    public string? Classification { get; set; }
    public string? Keywords { get; set; }
    public string? WebLink { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The version readers see (null until the first publication).</summary>
    public Guid? PublishedVersionId { get; set; }
    public int Revision { get; set; }
}

/// <summary>One version (major.minor) of an article. A published version never changes.</summary>
public sealed class ArticleVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public int Major { get; set; }
    public int Minor { get; set; }
    public required string Title { get; set; }
    /// <summary>Markdown; rendered through a sanitiser, never as raw HTML.</summary>
    public required string Body { get; set; }
    public ArticleVersionStatus Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewComment { get; set; }
    /// <summary>The publish process of this version.</summary>
    public Guid? InstanceId { get; set; }
    public int Revision { get; set; }

    public string Label => $"{Major}.{Minor}";
}

public sealed class ArticleAttachment
{
    public Guid ArticleId { get; set; }
    public Guid DocumentId { get; set; }
}

/// <summary>Someone opened an article version (recorded before a confirmation is accepted).</summary>
public sealed class ArticleOpen
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public Guid VersionId { get; set; }
    public required string Version { get; set; }
    public required string UserName { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Ip { get; set; }
    public string? Client { get; set; }
}

/// <summary>"I have read and understood": immutable evidence (also in the hash-chained audit trail).</summary>
public sealed class ReadConfirmation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public Guid VersionId { get; set; }
    public required string Version { get; set; }
    public required string UserName { get; set; }
    public Guid? AssignmentId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Ip { get; set; }
    public string? Client { get; set; }
}

public enum AssignmentStatus
{
    Active = 0,
    Completed = 1,
    Withdrawn = 2,
}

/// <summary>A mandatory reading: an article version, an audience resolved at start, a deadline.</summary>
public sealed class ReadingAssignment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ArticleId { get; set; }
    public Guid VersionId { get; set; }
    public required string Version { get; set; }
    public required string ArticleTitle { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset RemindAt { get; set; }
    /// <summary>People who join an audience group before this get the requirement too.</summary>
    public DateTimeOffset? JoinCutoff { get; set; }
    /// <summary>Audience as given (JSON arrays of user names and group names).</summary>
    public string AudienceUsers { get; set; } = "[]";
    public string AudienceGroups { get; set; } = "[]";
    public AssignmentStatus Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Set when a new major version re-triggered reading of an earlier assignment.</summary>
    public Guid? PreviousAssignmentId { get; set; }
    public int Revision { get; set; }
}

public enum RequirementStatus
{
    Pending = 0,
    Confirmed = 1,
    Withdrawn = 2,
}

/// <summary>One reader of an assignment (recorded when the audience is resolved, or when they join a group later).</summary>
public sealed class ReadingRequirement
{
    public Guid AssignmentId { get; set; }
    public required string UserName { get; set; }
    public RequirementStatus Status { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    /// <summary>The process instance holding this reader's task.</summary>
    public Guid? InstanceId { get; set; }
    /// <summary>"audience" or "joined".</summary>
    public string Source { get; set; } = "audience";
}

internal sealed class KnowledgeConfiguration :
    IEntityTypeConfiguration<Article>, IEntityTypeConfiguration<ArticleVersion>, IEntityTypeConfiguration<ArticleAttachment>,
    IEntityTypeConfiguration<ArticleOpen>, IEntityTypeConfiguration<ReadConfirmation>, IEntityTypeConfiguration<ReadingAssignment>,
    IEntityTypeConfiguration<ReadingRequirement>
{
    public void Configure(EntityTypeBuilder<Article> builder)
    {
        builder.ToTable("articles");
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Classification).HasMaxLength(300);
        builder.Property(a => a.Keywords).HasMaxLength(500);
        builder.Property(a => a.WebLink).HasMaxLength(1000);
        builder.Property(a => a.CreatedBy).HasMaxLength(100);
        builder.Property(a => a.Revision).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ArticleVersion> builder)
    {
        builder.ToTable("article_versions");
        builder.Property(v => v.Title).HasMaxLength(300);
        builder.Property(v => v.CreatedBy).HasMaxLength(100);
        builder.Property(v => v.ReviewedBy).HasMaxLength(100);
        builder.Property(v => v.ReviewComment).HasMaxLength(2000);
        builder.Property(v => v.Revision).IsConcurrencyToken();
        builder.Ignore(v => v.Label);
        builder.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.ArticleId, v.Major, v.Minor }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<ArticleAttachment> builder)
    {
        builder.ToTable("article_attachments");
        builder.HasKey(a => new { a.ArticleId, a.DocumentId });
    }

    public void Configure(EntityTypeBuilder<ArticleOpen> builder)
    {
        builder.ToTable("article_opens");
        builder.Property(o => o.Version).HasMaxLength(20);
        builder.Property(o => o.UserName).HasMaxLength(100);
        builder.Property(o => o.Ip).HasMaxLength(64);
        builder.Property(o => o.Client).HasMaxLength(300);
        builder.HasIndex(o => new { o.UserName, o.VersionId });
    }

    public void Configure(EntityTypeBuilder<ReadConfirmation> builder)
    {
        builder.ToTable("read_confirmations");
        builder.Property(c => c.Version).HasMaxLength(20);
        builder.Property(c => c.UserName).HasMaxLength(100);
        builder.Property(c => c.Ip).HasMaxLength(64);
        builder.Property(c => c.Client).HasMaxLength(300);
        builder.HasIndex(c => new { c.UserName, c.ArticleId });
        builder.HasIndex(c => c.AssignmentId);
    }

    public void Configure(EntityTypeBuilder<ReadingAssignment> builder)
    {
        builder.ToTable("reading_assignments");
        builder.Property(a => a.Version).HasMaxLength(20);
        builder.Property(a => a.ArticleTitle).HasMaxLength(300);
        builder.Property(a => a.CreatedBy).HasMaxLength(100);
        builder.Property(a => a.Revision).IsConcurrencyToken();
        builder.HasIndex(a => new { a.ArticleId, a.Status });
    }

    public void Configure(EntityTypeBuilder<ReadingRequirement> builder)
    {
        builder.ToTable("reading_requirements");
        builder.HasKey(r => new { r.AssignmentId, r.UserName });
        builder.Property(r => r.UserName).HasMaxLength(100);
        builder.Property(r => r.Source).HasMaxLength(20);
        builder.HasOne<ReadingAssignment>().WithMany().HasForeignKey(r => r.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.UserName, r.Status });
    }
}
