using Crm.Modules.Counterparties;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The CRM module's tables in the product's one context.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Counterparty> Counterparties => Set<Counterparty>();
    public DbSet<ContactPerson> Persons => Set<ContactPerson>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<CrmNote> Notes => Set<CrmNote>();
    public DbSet<CrmCase> Cases => Set<CrmCase>();
    public DbSet<Crm.Modules.Counterparties.Cases.CaseCounter> CaseCounters => Set<Crm.Modules.Counterparties.Cases.CaseCounter>();
}
