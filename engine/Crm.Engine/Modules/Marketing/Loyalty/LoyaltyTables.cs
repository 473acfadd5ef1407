using Crm.Modules.Marketing.Loyalty;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The loyalty part's tables in the product's one context (a booking, its balance and a process step commit together).</summary>
public sealed partial class CrmDbContext
{
    public DbSet<LoyaltyProgramme> LoyaltyProgrammes => Set<LoyaltyProgramme>();
    public DbSet<LoyaltyPointType> LoyaltyPointTypes => Set<LoyaltyPointType>();
    public DbSet<LoyaltyRule> LoyaltyRules => Set<LoyaltyRule>();
    public DbSet<LoyaltyMember> LoyaltyMembers => Set<LoyaltyMember>();
    public DbSet<LoyaltyBalance> LoyaltyBalances => Set<LoyaltyBalance>();
    public DbSet<LoyaltyOperation> LoyaltyOperations => Set<LoyaltyOperation>();
    public DbSet<LoyaltyReward> LoyaltyRewards => Set<LoyaltyReward>();
    public DbSet<LoyaltyRewardOrder> LoyaltyRewardOrders => Set<LoyaltyRewardOrder>();
}
