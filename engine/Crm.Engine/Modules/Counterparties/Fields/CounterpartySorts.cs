using Crm.Platform.Access;
using System.Linq.Expressions;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>
/// Sorting the counterparty list on a field other than the name: built-in, calculated (city on the registered address
/// today, open cases, days since last contact) and single-valued custom fields. Equal values list by name, then id, so
/// paging is stable; empty values come last either way on every database.
/// </summary>
public static class CounterpartySorts
{
    private static readonly HashSet<string> BuiltIn =
    [
        "name", "shortName", "nip", "regon", "vatEu", "kind", "city", "industry", "priority", "classification", "source", "region", "owner", "currency",
        "paymentDays", "creditLimit", "createdAt", "openCases", "daysSinceLastContact",
    ];

    public static bool Supports(ListField field) => BuiltIn.Contains(field.Key) || (field.Key.StartsWith("cf.", StringComparison.Ordinal) && field.Kind != "multichoice");

    /// <summary>The field to sort on, checked against what the caller may read; null for the default order (by name, ascending).</summary>
    public static ListField? Resolve(string? sort, bool descending, FieldContext context, FieldGate gate)
    {
        if (string.IsNullOrWhiteSpace(sort) || (sort == "name" && !descending))
        {
            return null;
        }

        var field = CounterpartyFilters.Catalogue(context, gate).FirstOrDefault(f => f.Key == sort.Trim());
        return field is { Sortable: true } ? field : throw ValidationFailedException.For("sort", $"'{sort}' is not a field you can sort on.");
    }

    public static IOrderedQueryable<Counterparty> Apply(IQueryable<Counterparty> query, ListField field, bool descending, FieldContext context, CrmDbContext db, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return field.Key switch
        {
            "name" => By(query, c => c.SearchName, descending, db.IsSqlite),
            "shortName" => By(query, c => c.ShortName, descending, db.IsSqlite),
            "nip" => By(query, c => c.Nip, descending, db.IsSqlite),
            "regon" => By(query, c => c.Regon, descending, db.IsSqlite),
            "vatEu" => By(query, c => c.VatEu, descending, db.IsSqlite),
            "kind" => By(query, c => (int?)c.Kind, descending, db.IsSqlite),
            "industry" => By(query, c => c.Industry, descending, db.IsSqlite),
            "priority" => By(query, c => c.Priority, descending, db.IsSqlite),
            "classification" => By(query, c => c.Classification, descending, db.IsSqlite),
            "source" => By(query, c => c.Source, descending, db.IsSqlite),
            "region" => By(query, c => c.Region, descending, db.IsSqlite),
            "owner" => By(query, c => c.Owner, descending, db.IsSqlite),
            "currency" => By(query, c => c.Currency, descending, db.IsSqlite),
            "paymentDays" => By(query, c => c.PaymentDays, descending, db.IsSqlite),
            "creditLimit" => By(query, c => (double?)c.CreditLimit, descending, db.IsSqlite),   // SQLite cannot order decimals
            "createdAt" => By(query, c => (DateTimeOffset?)c.CreatedAt, descending, db.IsSqlite),
            "city" => By(query, c => c.Addresses.Where(a => a.Kind == AddressKind.Registered && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today))
                .Select(a => a.City).FirstOrDefault(), descending, db.IsSqlite),
            "openCases" => By(query, c => (int?)db.Cases.Count(x => x.CounterpartyId == c.Id && x.Outcome == CaseOutcome.Open), descending, db.IsSqlite),
            // More days since the last contact is an earlier contact: the order of the date is the reverse.
            "daysSinceLastContact" => By(query, c => db.Activities.Where(a => a.CounterpartyId == c.Id && a.Status == ActivityStatus.Done).Max(a => (DateTimeOffset?)a.At), !descending, db.IsSqlite),
            _ => Custom(query, field, descending, context, db),
        };
    }

    private static IOrderedQueryable<Counterparty> Custom(IQueryable<Counterparty> query, ListField field, bool descending, FieldContext context, CrmDbContext db)
    {
        var definition = context.Fields.Single(f => "cf." + f.Key == field.Key);
        var id = definition.Id;
        var values = db.Set<CustomFieldValue>();
        return definition.Type switch
        {
            CustomFieldType.Number or CustomFieldType.Bool => By(query, c => values.Where(v => v.EntityId == c.Id && v.FieldId == id).Select(v => v.Number).FirstOrDefault(), descending, db.IsSqlite),
            CustomFieldType.Date => By(query, c => values.Where(v => v.EntityId == c.Id && v.FieldId == id).Select(v => v.Date).FirstOrDefault(), descending, db.IsSqlite),
            _ => By(query, c => values.Where(v => v.EntityId == c.Id && v.FieldId == id).Select(v => v.Text).FirstOrDefault(), descending, db.IsSqlite),
        };
    }

    /// <summary>
    /// By the key (empty ones last), then name, then id. PostgreSQL already puts NULLs last when ascending, and an order
    /// without the extra test can walk an index such as (Owner, SearchName, Id); SQLite puts them first, so it gets the test.
    /// </summary>
    private static IOrderedQueryable<Counterparty> By<TKey>(IQueryable<Counterparty> query, Expression<Func<Counterparty, TKey>> key, bool descending, bool sqlite)
    {
        if (!descending && !sqlite)
        {
            return query.OrderBy(key).ThenBy(c => c.SearchName).ThenBy(c => c.Id);
        }

        var empty = Expression.Lambda<Func<Counterparty, int>>(
            Expression.Condition(Expression.Equal(key.Body, Expression.Constant(null, key.Body.Type)), Expression.Constant(1), Expression.Constant(0)), key.Parameters);
        var ordered = query.OrderBy(empty);
        return (descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key)).ThenBy(c => c.SearchName).ThenBy(c => c.Id);
    }
}
