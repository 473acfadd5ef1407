using Crm.Platform.Access;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>The values of chosen list columns (built-in, calculated, custom) for a page or an export batch of counterparties.</summary>
public static class CounterpartyColumns
{
    public static readonly IReadOnlyList<string> Default = ["name", "nip", "city", "categories", "owner"];

    /// <summary>The requested columns, each checked against what the user may read (unknown or sensitive ones are refused by name).</summary>
    public static List<ListField> Resolve(IReadOnlyList<string>? columns, FieldContext context, FieldGate gate)
    {
        var catalogue = CounterpartyFilters.Catalogue(context, gate).ToDictionary(f => f.Key, StringComparer.Ordinal);
        var keys = columns is { Count: > 0 } ? columns : Default;
        // A default column a field rule hides is left out (the list still opens); any other hidden or unknown one is refused.
        var unknown = keys.Where(k => !catalogue.ContainsKey(k) && !Default.Contains(k)).ToList();
        return unknown.Count > 0
            ? throw ValidationFailedException.For("columns", $"Not a column you can see: {string.Join(", ", unknown)}.")
            : [.. keys.Distinct(StringComparer.Ordinal).Where(catalogue.ContainsKey).Select(k => catalogue[k])];
    }

    private sealed record RowData(
        Guid Id, CounterpartyKind Kind, string Name, string? ShortName, string? Nip, string? Regon, string? VatEu, string? Industry, string? Priority,
        string? Classification, string? Source, string? Categories, string? Region, string? Owner, string? Currency, int? PaymentDays, decimal? CreditLimit,
        DateTimeOffset CreatedAt, string? City, bool Blocked, int OpenCases, DateTimeOffset? LastContact);

    public static async Task<Dictionary<Guid, Dictionary<string, object?>>> ValuesAsync(
        CrmDbContext db, CustomFieldService customFields, FieldContext context, IReadOnlyList<Guid> ids, IReadOnlyList<ListField> columns,
        FieldGate gate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var rows = await db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new RowData(c.Id, c.Kind, c.Name, c.ShortName, c.Nip, c.Regon, c.VatEu, c.Industry, c.Priority, c.Classification, c.Source, c.Categories,
                c.Region, c.Owner, c.Currency, c.PaymentDays, c.CreditLimit, c.CreatedAt,
                c.Addresses.Where(a => a.Kind == AddressKind.Registered && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today)).Select(a => a.City).FirstOrDefault(),
                c.Blocks.Any(b => b.LiftedBy == null && b.From <= today && (b.To == null || b.To >= today)),
                db.Cases.Count(x => x.CounterpartyId == c.Id && x.Outcome == CaseOutcome.Open),
                db.Activities.Where(a => a.CounterpartyId == c.Id && a.Status == ActivityStatus.Done).Max(a => (DateTimeOffset?)a.At)))
            .ToDictionaryAsync(r => r.Id, cancellationToken);

        var turnover = new Dictionary<Guid, decimal>();
        if (columns.Any(c => c.Key == "turnover"))
        {
            // Summed here: SQLite cannot sum decimals in SQL.
            var won = await db.Cases.AsNoTracking().Where(x => x.CounterpartyId != null && ids.Contains(x.CounterpartyId.Value) && x.Outcome == CaseOutcome.Won)
                .Select(x => new { x.CounterpartyId, x.Value }).ToListAsync(cancellationToken);
            turnover = won.GroupBy(x => x.CounterpartyId!.Value).ToDictionary(g => g.Key, g => g.Sum(x => x.Value));
        }

        var groups = new Dictionary<Guid, List<string>>();
        if (columns.Any(c => c.Key == "group"))
        {
            var memberships = await db.Set<CounterpartyGroupMember>().AsNoTracking().Where(m => ids.Contains(m.CounterpartyId))
                .Join(db.Set<CounterpartyGroup>(), m => m.GroupId, g => g.Id, (m, g) => new { m.CounterpartyId, g.Name }).ToListAsync(cancellationToken);
            groups = memberships.GroupBy(m => m.CounterpartyId).ToDictionary(g => g.Key, g => g.Select(m => m.Name).Order(StringComparer.Ordinal).ToList());
        }

        var custom = columns.Any(c => c.Key.StartsWith("cf.", StringComparison.Ordinal))
            ? await customFields.ValuesAsync(context, ids, gate, cancellationToken)
            : [];
        var result = new Dictionary<Guid, Dictionary<string, object?>>();
        foreach (var id in ids)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                continue;
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var column in columns)
            {
                values[column.Key] = column.Key switch
                {
                    "name" => row.Name,
                    "shortName" => row.ShortName,
                    "nip" => row.Nip,
                    "regon" => row.Regon,
                    "vatEu" => row.VatEu,
                    "kind" => row.Kind.ToString().ToLowerInvariant(),
                    "city" => row.City,
                    "industry" => row.Industry,
                    "priority" => row.Priority,
                    "classification" => row.Classification,
                    "source" => row.Source,
                    "categories" => row.Categories?.Replace(",", ", ", StringComparison.Ordinal),
                    "region" => row.Region,
                    "owner" => row.Owner,
                    "currency" => row.Currency,
                    "paymentDays" => row.PaymentDays,
                    "creditLimit" => row.CreditLimit,
                    "createdAt" => DateOnly.FromDateTime(row.CreatedAt.UtcDateTime),
                    "blocked" => row.Blocked,
                    "group" => groups.TryGetValue(id, out var names) ? string.Join(", ", names) : null,
                    "openCases" => row.OpenCases,
                    "daysSinceLastContact" => row.LastContact is { } last ? (int)(now - last).TotalDays : null,
                    "turnover" => turnover.GetValueOrDefault(id),
                    _ when custom.TryGetValue(id, out var cf) => cf.GetValueOrDefault(column.Key[3..]),
                    _ => null,
                };
            }

            result[id] = values;
        }

        return result;
    }
}
