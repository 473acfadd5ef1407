using Crm.Modules.Documents;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The documents module's tables in the product's one context (commits with engine steps).</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<FolderPermissionEntry> FolderPermissions => Set<FolderPermissionEntry>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentPermissionEntry> DocumentPermissions => Set<DocumentPermissionEntry>();
    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();
    public DbSet<DocumentEvent> DocumentEvents => Set<DocumentEvent>();
}
