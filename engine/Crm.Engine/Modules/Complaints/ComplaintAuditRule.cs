using System.Globalization;
using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Complaints;

/// <summary>Complaints in the audit trail: registration, every field change (before and after), cost lines added and removed.</summary>
internal sealed class ComplaintAuditRule : IAuditRule
{
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "Revision" };

    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        Complaint c when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or(c.RegisteredBy), "complaint.registered", "complaint", c.Id.ToString(), now, null, new { c.Number, c.Kind, c.CounterpartyId }),
        Complaint c when entry.State == EntityState.Modified => Edit(entry, c.Id, now),
        ComplaintCost k when entry.State is EntityState.Added or EntityState.Deleted =>
            Audited.Row(AuditActor.Or(k.By), entry.State == EntityState.Added ? "complaint.cost-added" : "complaint.cost-removed", "complaint", k.ComplaintId.ToString(), now, null,
                new { k.Type, Amount = k.Amount.ToString("0.00", CultureInfo.InvariantCulture), k.Currency }),
        ComplaintSettings when entry.State is EntityState.Added or EntityState.Modified =>
            Audited.Row(AuditActor.Or("system"), "complaint.settings-changed", "complaint-settings", "1", now, null, null),
        _ => null,
    };

    private static AuditEntry? Edit(EntityEntry entry, Guid id, DateTimeOffset now)
    {
        var changes = entry.Properties
            .Where(p => p.IsModified && !Bookkeeping.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
            .ToDictionary(p => p.Metadata.Name, p => new { before = Text(p.OriginalValue), after = Text(p.CurrentValue) });
        return changes.Count == 0 ? null : Audited.Row(AuditActor.Or("system"), "complaint.edited", "complaint", id.ToString(), now, null, changes);
    }

    private static string? Text(object? value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        return text is { Length: > 300 } ? text[..300] + "…" : text;
    }
}
