using Crm.Modules.Marketing.Campaigns;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The campaigns' tables.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignCost> CampaignCosts => Set<CampaignCost>();
    public DbSet<CampaignMember> CampaignMembers => Set<CampaignMember>();
    public DbSet<CampaignAction> CampaignActions => Set<CampaignAction>();
}
