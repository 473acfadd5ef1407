using Crm.Modules.Service;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The service desk's tables in the product's one context (commits with engine steps).</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketEvent> TicketEvents => Set<TicketEvent>();
    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();
    public DbSet<TicketCounter> TicketCounters => Set<TicketCounter>();
    public DbSet<ServiceSettings> ServiceSettings => Set<ServiceSettings>();
}
