using Crm.Platform.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Documents;

/// <summary>What a permission entry allows. Rights on a folder hold for its subfolders and documents.</summary>
[Flags]
[ModuleContract]
public enum DocumentRights
{
    None = 0,
    Read = 1,
    Download = 2,
    Write = 4,
    Manage = 8,
    All = Read | Download | Write | Manage,
}

public enum PrincipalType
{
    User = 0,
    Group = 1,
}

public enum DocumentStatus
{
    Draft = 0,
    InReview = 1,
    Approved = 2,
    Archived = 3,
}

/// <summary>A binder. Folders form a tree; permissions are inherited downwards (and only added to, never removed).</summary>
public sealed class Folder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public Guid? ParentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

public sealed class FolderPermissionEntry
{
    public Guid FolderId { get; set; }
    public PrincipalType PrincipalType { get; set; }
    /// <summary>User name or group name.</summary>
    public required string PrincipalId { get; set; }
    public DocumentRights Rights { get; set; }
}

/// <summary>A document: metadata, status, lock, and its versions' bytes in the object store.</summary>
[ModuleContract]
public sealed class Document
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid FolderId { get; set; }
    public required string Title { get; set; }
    /// <summary>From the document-type dictionary (invoice, contract, letter ...).</summary>
    public string? Type { get; set; }
    public required string Owner { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }
    public string? Source { get; set; }
    public DocumentStatus Status { get; set; }
    /// <summary>Comma-separated.</summary>
    public string Tags { get; set; } = "";
    /// <summary>Free metadata (JSON object).</summary>
    public string? Metadata { get; set; }
    /// <summary>Business objects the document concerns (JSON array of {type, id}).</summary>
    public string? Links { get; set; }
    public int CurrentVersion { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedAt { get; set; }
    /// <summary>The check-out process instance that holds the lock.</summary>
    public Guid? LockInstanceId { get; set; }
    /// <summary>True when the document narrows its folder's permissions with its own entries.</summary>
    public bool HasOwnPermissions { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: two check-outs at once, exactly one wins.</summary>
    public int Revision { get; set; }
    /// <summary>First day the document (contract, certificate, power of attorney ...) is in force.</summary>
    public DateOnly? ValidFrom { get; set; }
    /// <summary>Last day the document is in force; owners are reminded before it (<see cref="DocumentOptions.ExpiryReminderDays"/>).</summary>
    public DateOnly? ValidTo { get; set; }
    /// <summary>The counterparty the document belongs to: an id only (the counterparties module knows the rest).</summary>
    public Guid? CounterpartyId { get; set; }
    /// <summary>The <see cref="ValidTo"/> a reminder was sent for: each date is reminded once, a new date again.</summary>
    public DateOnly? ExpiryRemindedFor { get; set; }
}

/// <summary>Narrowing entries on a document: rights are the folder's rights AND these.</summary>
public sealed class DocumentPermissionEntry
{
    public Guid DocumentId { get; set; }
    public PrincipalType PrincipalType { get; set; }
    public required string PrincipalId { get; set; }
    public DocumentRights Rights { get; set; }
}

public sealed class DocumentVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DocumentId { get; set; }
    public int Number { get; set; }
    public string? Comment { get; set; }
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long Size { get; set; }
    /// <summary>Sniffed from the bytes, never taken from the client.</summary>
    public required string ContentType { get; set; }
    /// <summary>SHA-256 of the bytes: the object store address.</summary>
    public required string Sha256 { get; set; }
    public required string FileName { get; set; }
    /// <summary>Extracted text (bounded), filled by the indexer; null until then or when there is none.</summary>
    public string? ExtractedText { get; set; }
    /// <summary>Why there is no text ("Text not extracted: ..."), shown on the document page.</summary>
    public string? ExtractionError { get; set; }
    /// <summary>Something a reader should know about the text (cut at the cap, read by OCR, OCR off).</summary>
    public string? ExtractionNote { get; set; }
    public bool Extracted { get; set; }
    /// <summary>Extractions begun; counted before the work, so a file that takes a node down is not retried forever.</summary>
    public int ExtractionAttempts { get; set; }
    /// <summary>The file crashed, hung or exhausted a worker: never retried until someone asks ("retry extraction").</summary>
    public bool ExtractionQuarantined { get; set; }
    /// <summary>A node reading the file holds it until then (a node that died loses it to others after that).</summary>
    public DateTimeOffset? ExtractionLeaseUntil { get; set; }
    public string? ExtractionLeaseOwner { get; set; }
    /// <summary>Another node indexed it while this one was read: queue it again when the text is in.</summary>
    public bool ExtractionReindex { get; set; }
}

public enum DocumentEventKind
{
    Created,
    Viewed,
    Downloaded,
    Previewed,
    VersionAdded,
    StatusChanged,
    MetadataChanged,
    Locked,
    Unlocked,
    ForceUnlocked,
    PermissionsChanged,
    CheckoutReminder,
    LockOverdue,
    /// <summary>Two versions' full text were compared (download right).</summary>
    Compared,
    /// <summary>The bytes were copied into a new document ("new from template"; download right on the source).</summary>
    Copied,
    /// <summary>A search result showed a snippet of the text (read right).</summary>
    SnippetShown,
    /// <summary>The owners were mailed that the document expires soon (or has expired).</summary>
    ExpiryReminder,
}

/// <summary>The register: every view, download, preview and change of a document (or a folder's permissions).</summary>
public sealed class DocumentEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? DocumentId { get; set; }
    public Guid? FolderId { get; set; }
    public int? Version { get; set; }
    public DocumentEventKind Kind { get; set; }
    public required string UserName { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Ip { get; set; }
    public string? Client { get; set; }
    public string? Details { get; set; }
}

internal sealed class DocumentConfigurations :
    IEntityTypeConfiguration<Folder>, IEntityTypeConfiguration<FolderPermissionEntry>, IEntityTypeConfiguration<Document>,
    IEntityTypeConfiguration<DocumentPermissionEntry>, IEntityTypeConfiguration<DocumentVersion>, IEntityTypeConfiguration<DocumentEvent>
{
    public void Configure(EntityTypeBuilder<Folder> builder)
    {
        builder.ToTable("folders");
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.CreatedBy).HasMaxLength(100);
        builder.HasOne<Folder>().WithMany().HasForeignKey(f => f.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(f => new { f.ParentId, f.Name }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<FolderPermissionEntry> builder)
    {
        builder.ToTable("folder_permissions");
        builder.HasKey(p => new { p.FolderId, p.PrincipalType, p.PrincipalId });
        builder.Property(p => p.PrincipalId).HasMaxLength(100);
        builder.HasOne<Folder>().WithMany().HasForeignKey(p => p.FolderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.PrincipalType, p.PrincipalId });
    }

    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.ToTable("documents");
        builder.Property(d => d.Title).HasMaxLength(500);
        builder.Property(d => d.Type).HasMaxLength(100);
        builder.Property(d => d.Owner).HasMaxLength(100);
        builder.Property(d => d.Source).HasMaxLength(200);
        builder.Property(d => d.Tags).HasMaxLength(1000);
        builder.Property(d => d.LockedBy).HasMaxLength(100);
        builder.Property(d => d.Revision).IsConcurrencyToken();
        builder.HasOne<Folder>().WithMany().HasForeignKey(d => d.FolderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.FolderId, d.Title });
        builder.HasIndex(d => d.Owner);
        builder.HasIndex(d => d.ValidTo);
        builder.HasIndex(d => d.CounterpartyId);
    }

    public void Configure(EntityTypeBuilder<DocumentPermissionEntry> builder)
    {
        builder.ToTable("document_permissions");
        builder.HasKey(p => new { p.DocumentId, p.PrincipalType, p.PrincipalId });
        builder.Property(p => p.PrincipalId).HasMaxLength(100);
        builder.HasOne<Document>().WithMany().HasForeignKey(p => p.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DocumentVersion> builder)
    {
        builder.ToTable("document_versions");
        builder.Property(v => v.Comment).HasMaxLength(2000);
        builder.Property(v => v.Author).HasMaxLength(100);
        builder.Property(v => v.ContentType).HasMaxLength(200);
        builder.Property(v => v.Sha256).HasMaxLength(64);
        builder.Property(v => v.FileName).HasMaxLength(255);
        builder.Property(v => v.ExtractionError).HasMaxLength(2000);
        builder.Property(v => v.ExtractionNote).HasMaxLength(500);
        builder.Property(v => v.ExtractionLeaseOwner).HasMaxLength(300);
        builder.HasOne<Document>().WithMany().HasForeignKey(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.DocumentId, v.Number }).IsUnique();
        builder.HasIndex(v => v.Sha256);
    }

    public void Configure(EntityTypeBuilder<DocumentEvent> builder)
    {
        builder.ToTable("document_events");
        builder.Property(e => e.UserName).HasMaxLength(100);
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.Client).HasMaxLength(500);
        builder.Property(e => e.Details).HasMaxLength(4000);
        builder.HasIndex(e => new { e.DocumentId, e.At });
        builder.HasIndex(e => new { e.UserName, e.At });
    }
}
