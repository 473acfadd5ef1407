using Crm.Modules.Complaints;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The complaints module's tables in the product's one context (commits with engine steps).</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<ComplaintEvent> ComplaintEvents => Set<ComplaintEvent>();
    public DbSet<ComplaintCost> ComplaintCosts => Set<ComplaintCost>();
    public DbSet<ComplaintCounter> ComplaintCounters => Set<ComplaintCounter>();
    public DbSet<ComplaintSettings> ComplaintSettings => Set<ComplaintSettings>();
}
