using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Platform.Identity;

/// <summary>Sign-ins, failed sign-ins, new users, role and group membership changes.</summary>
internal sealed class IdentityAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        User u when entry.State == EntityState.Modified && entry.Property(nameof(User.LastSignInAt)).IsModified =>
            Audited.Row(u.UserName, "auth.sign-in", "user", u.Id.ToString(), now, null, null),
        User u when entry.State == EntityState.Modified && entry.Property(nameof(User.IsActive)).IsModified =>
            Audited.Row(AuditActor.Or("system"), u.IsActive ? "identity.user-enabled" : "identity.user-disabled", "user", u.Id.ToString(), now, null, new { u.UserName }),
        User u when entry.State == EntityState.Modified && entry.Property(nameof(User.PasswordHash)).IsModified =>
            Audited.Row(AuditActor.Or(u.UserName), u.MustChangePassword ? "identity.password-reset" : "identity.password-changed", "user", u.Id.ToString(), now, null, new { u.UserName }),
        User u when entry.State == EntityState.Modified && entry.Property(nameof(User.LockedUntil)).IsModified && u.LockedUntil is null =>
            Audited.Row(AuditActor.Or("system"), "identity.user-unlocked", "user", u.Id.ToString(), now, null, new { u.UserName }),
        User u when entry.State == EntityState.Modified && Edited(entry) is { Count: > 0 } edited =>
            Audited.Row(AuditActor.Or("system"), "identity.user-edited", "user", u.Id.ToString(), now, null, new
            {
                before = edited.ToDictionary(p => p.Metadata.Name, p => p.OriginalValue),
                after = edited.ToDictionary(p => p.Metadata.Name, p => p.CurrentValue),
            }),
        User u when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or("system"), "identity.user-created", "user", u.Id.ToString(), now, null, new { u.UserName }),
        UserRole r when entry.State is EntityState.Added or EntityState.Deleted =>
            Audited.Row(AuditActor.Or("system"), $"identity.role-{Audited.Verb(entry.State)}", "user", r.UserId.ToString(), now, null, new { r.Role }),
        GroupMember m when entry.State is EntityState.Added or EntityState.Deleted =>
            Audited.Row(AuditActor.Or("system"), $"identity.member-{Audited.Verb(entry.State)}", "group", m.GroupId.ToString(), now, null, new { user = m.UserId }),
        ApiToken t when entry.State == EntityState.Added && t.Kind == ApiTokenKind.Named =>
            Audited.Row(AuditActor.Or("system"), "token.created", "user", t.UserId.ToString(), now, null, new { t.Name, t.ExpiresAt }),
        ApiToken t when entry.State == EntityState.Deleted && t.Kind == ApiTokenKind.Named =>
            Audited.Row(AuditActor.Or("system"), "token.revoked", "user", t.UserId.ToString(), now, null, new { t.Name }),
        _ => null,
    };

    private static readonly string[] ProfileFields = [nameof(User.DisplayName), nameof(User.Email), nameof(User.ManagerId)];

    private static List<PropertyEntry> Edited(EntityEntry entry) =>
        [.. ProfileFields.Select(entry.Property).Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))];
}
