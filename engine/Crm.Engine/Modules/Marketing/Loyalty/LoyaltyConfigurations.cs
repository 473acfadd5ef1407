using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Modules.Marketing.Loyalty;

internal sealed class LoyaltyProgrammeConfiguration : IEntityTypeConfiguration<LoyaltyProgramme>
{
    public void Configure(EntityTypeBuilder<LoyaltyProgramme> builder)
    {
        builder.ToTable("loyalty_programmes");
        builder.Property(p => p.Code).HasMaxLength(20);
        builder.HasIndex(p => p.Code).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Description).HasMaxLength(2000);
        builder.Property(p => p.CreatedBy).HasMaxLength(100);
        builder.Property(p => p.Revision).IsConcurrencyToken();
    }
}

internal sealed class LoyaltyPointTypeConfiguration : IEntityTypeConfiguration<LoyaltyPointType>
{
    public void Configure(EntityTypeBuilder<LoyaltyPointType> builder)
    {
        builder.ToTable("loyalty_point_types");
        builder.Property(t => t.Code).HasMaxLength(30);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => new { t.ProgrammeId, t.Code }).IsUnique();
        builder.HasOne<LoyaltyProgramme>().WithMany().HasForeignKey(t => t.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoyaltyRuleConfiguration : IEntityTypeConfiguration<LoyaltyRule>
{
    public void Configure(EntityTypeBuilder<LoyaltyRule> builder)
    {
        builder.ToTable("loyalty_rules");
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Trigger).HasMaxLength(30);
        builder.Property(r => r.PointType).HasMaxLength(30);
        builder.Property(r => r.PerAmount).HasPrecision(18, 2);
        builder.HasIndex(r => new { r.ProgrammeId, r.Trigger });
        builder.HasOne<LoyaltyProgramme>().WithMany().HasForeignKey(r => r.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoyaltyMemberConfiguration : IEntityTypeConfiguration<LoyaltyMember>
{
    public void Configure(EntityTypeBuilder<LoyaltyMember> builder)
    {
        builder.ToTable("loyalty_members");
        builder.Property(m => m.Number).HasMaxLength(40);
        builder.Property(m => m.JoinedBy).HasMaxLength(100);
        builder.HasIndex(m => new { m.ProgrammeId, m.CounterpartyId }).IsUnique();
        builder.HasIndex(m => new { m.ProgrammeId, m.Number }).IsUnique();
        builder.HasIndex(m => m.CounterpartyId);
        builder.HasOne<LoyaltyProgramme>().WithMany().HasForeignKey(m => m.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LoyaltyBalanceConfiguration : IEntityTypeConfiguration<LoyaltyBalance>
{
    public void Configure(EntityTypeBuilder<LoyaltyBalance> builder)
    {
        builder.ToTable("loyalty_balances", t => t.HasCheckConstraint("ck_loyalty_balances_points", "\"Points\" >= 0"));
        builder.HasKey(b => new { b.MemberId, b.PointType });
        builder.Property(b => b.PointType).HasMaxLength(30);
        builder.Property(b => b.Revision).IsConcurrencyToken();
        builder.HasOne<LoyaltyMember>().WithMany().HasForeignKey(b => b.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LoyaltyOperationConfiguration : IEntityTypeConfiguration<LoyaltyOperation>
{
    public void Configure(EntityTypeBuilder<LoyaltyOperation> builder)
    {
        builder.ToTable("loyalty_operations");
        builder.Property(o => o.Kind).HasMaxLength(10);
        builder.Property(o => o.PointType).HasMaxLength(30);
        builder.Property(o => o.Reason).HasMaxLength(500);
        builder.Property(o => o.SourceKey).HasMaxLength(200);
        builder.HasIndex(o => o.SourceKey).IsUnique();
        builder.Property(o => o.By).HasMaxLength(100);
        builder.HasIndex(o => new { o.MemberId, o.At });
        builder.HasOne<LoyaltyMember>().WithMany().HasForeignKey(o => o.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LoyaltyRewardConfiguration : IEntityTypeConfiguration<LoyaltyReward>
{
    public void Configure(EntityTypeBuilder<LoyaltyReward> builder)
    {
        builder.ToTable("loyalty_rewards", t => t.HasCheckConstraint("ck_loyalty_rewards_stock", "\"Stock\" >= 0"));
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Description).HasMaxLength(2000);
        builder.Property(r => r.PointType).HasMaxLength(30);
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.HasIndex(r => r.ProgrammeId);
        builder.HasOne<LoyaltyProgramme>().WithMany().HasForeignKey(r => r.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoyaltyRewardOrderConfiguration : IEntityTypeConfiguration<LoyaltyRewardOrder>
{
    public void Configure(EntityTypeBuilder<LoyaltyRewardOrder> builder)
    {
        builder.ToTable("loyalty_reward_orders");
        builder.Property(o => o.PointType).HasMaxLength(30);
        builder.Property(o => o.Status).HasMaxLength(10);
        builder.Property(o => o.OrderedBy).HasMaxLength(100);
        builder.Property(o => o.ClosedBy).HasMaxLength(100);
        builder.Property(o => o.Revision).IsConcurrencyToken();
        builder.HasIndex(o => new { o.MemberId, o.OrderedAt });
        builder.HasIndex(o => o.RewardId);
        builder.HasOne<LoyaltyMember>().WithMany().HasForeignKey(o => o.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}
