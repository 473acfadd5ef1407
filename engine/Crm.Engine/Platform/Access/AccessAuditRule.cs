using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Platform.Access;

/// <summary>Every change of a permission rule: who, when, before and after.</summary>
internal sealed class AccessAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        AccessRight r when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted =>
            Row(entry, "access.rights", r.Id, new { r.Subject, r.ObjectType, before = Before(entry, nameof(AccessRight.Rights))?.ToString(), after = After(entry, r.Rights.ToString()) }, now),
        RecordRule r when entry.State is EntityState.Added or EntityState.Deleted =>
            Row(entry, "access.record-rule", r.Id, new { r.Subject, scope = r.Scope.ToString(), r.Conditions }, now),
        FieldRule f when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted =>
            Row(entry, "access.field-rule", f.Id, new { f.Subject, f.ObjectType, f.Field, before = Before(entry, nameof(FieldRule.Level))?.ToString(), after = After(entry, f.Level.ToString()) }, now),
        _ => null,
    };

    private static AuditEntry Row(EntityEntry entry, string action, Guid id, object data, DateTimeOffset now) =>
        Audited.Row(AuditActor.Or("system"), $"{action}-{entry.State.ToString().ToLowerInvariant()}", "access-rule", id.ToString(), now, null, data);

    private static object? Before(EntityEntry entry, string property) => entry.State == EntityState.Added ? null : entry.Property(property).OriginalValue;

    private static string? After(EntityEntry entry, string value) => entry.State == EntityState.Deleted ? null : value;
}
