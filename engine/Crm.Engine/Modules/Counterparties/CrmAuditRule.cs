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
        // A company's rows are audited on the company, so its history shows them.
        CounterpartyAddress a when entry.State == EntityState.Added =>
            Row("crm.counterparty-address-added", a.CounterpartyId, now, new { kind = a.Kind.ToString(), a.Street, a.PostalCode, a.City, a.Country, validFrom = a.ValidFrom }),
        CounterpartyAddress a when entry.State == EntityState.Modified => Changed(entry, "crm.counterparty-address-changed", a.CounterpartyId, now),
        BankAccount b when entry.State == EntityState.Added => Row("crm.counterparty-bank-account-added", b.CounterpartyId, now, new { b.Iban, b.Bank }),
        BankAccount b when entry.State == EntityState.Modified && b.RetiredOn is not null =>
            Row("crm.counterparty-bank-account-retired", b.CounterpartyId, now, new { b.Iban, retiredOn = b.RetiredOn }),
        CounterpartyBlock b when entry.State == EntityState.Added =>
            Row("crm.counterparty-block-set", b.CounterpartyId, now, new { kind = b.Kind.ToString(), b.Reason, from = b.From, to = b.To }),
        CounterpartyBlock b when entry.State == EntityState.Modified && b.LiftedBy is not null =>
            Row("crm.counterparty-block-lifted", b.CounterpartyId, now, new { kind = b.Kind.ToString(), b.Reason, liftReason = b.LiftReason, to = b.To }),
        _ => null,
    };

    private static AuditEntry Row(string action, Guid counterpartyId, DateTimeOffset now, object data) =>
        Audited.Row(AuditActor.Or("system"), action, "counterparty", counterpartyId.ToString(), now, null, data);

    private static AuditEntry? Changed(EntityEntry entry, string action, Guid counterpartyId, DateTimeOffset now)
    {
        var changes = entry.Properties
            .Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))
            .ToDictionary(p => p.Metadata.Name, p => new { before = Text(p.OriginalValue), after = Text(p.CurrentValue) });
        return changes.Count == 0 ? null : Row(action, counterpartyId, now, changes);
    }

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
