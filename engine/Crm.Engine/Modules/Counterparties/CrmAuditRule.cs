using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Counterparties;

/// <summary>Edits of CRM records (counterparty, person, case fields): who, when, and each field's value before and after.</summary>
internal sealed class CrmAuditRule : IAuditRule
{
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "Revision", "SearchName", "UpdatedAt", "LastContactAt", "ReachedPhase" };

    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        Counterparty c when entry.State == EntityState.Modified => Edit(entry, "counterparty", c.Id, now),
        ContactPerson p when entry.State == EntityState.Modified => Edit(entry, "person", p.Id, now),
        CrmCase k when entry.State == EntityState.Modified => Edit(entry, "case", k.Id, now),
        _ => null,
    };

    private static AuditEntry? Edit(EntityEntry entry, string subjectType, Guid id, DateTimeOffset now)
    {
        var changes = entry.Properties
            .Where(p => p.IsModified && !Bookkeeping.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
            .ToDictionary(p => p.Metadata.Name, p => new { before = Text(p.OriginalValue), after = Text(p.CurrentValue) });
        return changes.Count == 0 ? null : Audited.Row(AuditActor.Or("system"), $"crm.{subjectType}-edited", subjectType, id.ToString(), now, null, changes);
    }

    private static string? Text(object? value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        return text is { Length: > 300 } ? text[..300] + "…" : text;
    }
}
