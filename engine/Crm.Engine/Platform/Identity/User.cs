using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Platform.Identity;

/// <summary>A person who signs in. Roles are a small fixed set (see <see cref="Roles"/>); groups carry the organisation.</summary>
public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string UserName { get; set; }
    /// <summary>Upper-invariant user name: the unique key, so "Anna" and "anna" are one account.</summary>
    public string NormalizedUserName { get; set; } = "";
    public required string DisplayName { get; set; }
    public string? Email { get; set; }
    public string PasswordHash { get; set; } = "";
    public bool IsActive { get; set; } = true;
    /// <summary>The user's supervisor (escalations go there).</summary>
    public Guid? ManagerId { get; set; }
    /// <summary>Changes with the password; cookies carrying an old stamp are rejected (other sessions end).</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    /// <summary>Set for a generated or reset password: the next sign-in leads to choosing a new one first.</summary>
    public bool MustChangePassword { get; set; }
    public int FailedSignInCount { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public bool IsDemo { get; set; }
    /// <summary>Mail on new, delegated and returned tasks, reminders and escalations.</summary>
    public bool EmailNotifications { get; set; } = true;
    /// <summary>One mail a day listing new tasks instead of one mail each (escalations still come at once).</summary>
    public bool DailyDigest { get; set; }

    public List<UserRole> Roles { get; set; } = [];
    public List<GroupMember> Groups { get; set; } = [];
}

public sealed class UserRole
{
    public Guid UserId { get; set; }
    public required string Role { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>, IEntityTypeConfiguration<UserRole>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.UserName).HasMaxLength(100);
        builder.Property(u => u.NormalizedUserName).HasMaxLength(100);
        builder.HasIndex(u => u.NormalizedUserName).IsUnique();
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.Email).HasMaxLength(320);
        builder.Property(u => u.PasswordHash).HasMaxLength(500);
        builder.Property(u => u.SecurityStamp).HasMaxLength(64);
        builder.HasOne<User>().WithMany().HasForeignKey(u => u.ManagerId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(u => u.Roles).WithOne().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.Groups).WithOne().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<UserRole> builder)
    {
        builder.ToTable("user_roles");
        builder.HasKey(r => new { r.UserId, r.Role });
        builder.Property(r => r.Role).HasMaxLength(50);
    }
}
