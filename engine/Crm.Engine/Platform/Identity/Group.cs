using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Identity;

/// <summary>
/// A team or department. Groups are flat (no nesting): a user belongs to any number of groups and
/// candidate-group rules stay a plain membership test. See docs/decisions/0001-flat-groups.md.
/// </summary>
public sealed class Group
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Stable key used in process definitions (crm:candidateGroups="sales").</summary>
    public required string Name { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>The group's lead: supervisor for escalations of group tasks.</summary>
    public Guid? LeadUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<GroupMember> Members { get; set; } = [];
}

public sealed class GroupMember
{
    public Guid GroupId { get; set; }
    public Guid UserId { get; set; }
    public Group? Group { get; set; }
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>, IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.ToTable("groups");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Name).HasMaxLength(100);
        builder.HasIndex(g => g.Name).IsUnique();
        builder.Property(g => g.DisplayName).HasMaxLength(200);
        builder.HasOne<User>().WithMany().HasForeignKey(g => g.LeadUserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.ToTable("group_members");
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasIndex(m => m.UserId);
    }
}
