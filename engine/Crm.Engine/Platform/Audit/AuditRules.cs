using System.Text.Json;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Platform.Audit;

/// <summary>
/// A module's say in which of its changes are security-relevant, read off the unit of work before it commits.
/// Each module contributes its rules beside its entities; <see cref="AuditRules"/> finds them all, so no
/// feature can forget to audit and no central switch knows every module. Bulk statements
/// (ExecuteUpdate/ExecuteDelete) bypass the rules and must add their own <see cref="AuditEntry"/> rows.
/// </summary>
public interface IAuditRule
{
    /// <summary>The audit row for this change, or null when it is not one this rule audits.</summary>
    AuditEntry? Derive(EntityEntry entry, DateTimeOffset now);
}

/// <summary>Applies every <see cref="IAuditRule"/> of the product to the changes about to be saved.</summary>
internal static class AuditRules
{
    private static readonly IAuditRule[] Rules = [.. typeof(AuditRules).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAuditRule).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IAuditRule)Activator.CreateInstance(t)!)];

    public static void Derive(CrmDbContext db, DateTimeOffset now)
    {
        var added = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            foreach (var rule in Rules)
            {
                if (rule.Derive(entry, now) is { } row)
                {
                    added.Add(row);
                    break;
                }
            }
        }

        db.AuditLog.AddRange(added);
    }
}

/// <summary>Helpers for writing audit rules.</summary>
public static class Audited
{
    public static string Verb(EntityState state) => state switch
    {
        EntityState.Added => "grant",
        EntityState.Deleted => "revoke",
        _ => "change",
    };

    public static AuditEntry Row(string actor, string action, string subjectType, string? subjectId, DateTimeOffset at, string? ip, object? data) => new()
    {
        Actor = actor,
        Action = action,
        SubjectType = subjectType,
        SubjectId = subjectId,
        At = at,
        Ip = ip,
        Data = data is null ? null : JsonSerializer.Serialize(data) is { Length: > 4000 } tooLong ? tooLong[..3999] + "…" : JsonSerializer.Serialize(data),
    };

    /// <summary>Records that <paramref name="actor"/> exported <paramref name="what"/> (rows leave the product): one row, saved with the caller's changes.</summary>
    public static void Export(CrmDbContext db, string actor, string what, string? subjectId, object? details, DateTimeOffset at) =>
        db.AuditLog.Add(Row(actor, $"export.{what}", "export", subjectId, at, null, details));
}
