using Crm.Modules.Marketing.Consents;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The consent ledger's tables.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();
    public DbSet<InvalidAddress> InvalidAddresses => Set<InvalidAddress>();
}
