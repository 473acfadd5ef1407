using Crm.Platform.Access;
using Crm.Platform.Common;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using System.Globalization;
using System.Linq.Expressions;
using static Crm.Modules.Counterparties.Fields.FieldConditions;
using Microsoft.EntityFrameworkCore;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>A column or filter field of the counterparty list: built-in, calculated or custom (<c>cf.key</c>).</summary>
[ModuleContract]
public sealed record ListField(string Key, string Label, string Kind, bool Sensitive, bool Calculated, IReadOnlyList<string> Choices)
{
    /// <summary>Whether the list can be sorted on it (<see cref="CounterpartySorts"/>).</summary>
    public bool Sortable => CounterpartySorts.Supports(this);
}

/// <summary>One filter: field, operator (eq, ne, contains, starts, gt, gte, lt, lte, empty, set) and value; written <c>field:op:value</c> in URLs.</summary>
[ModuleContract]
public sealed record FieldFilter(string Field, string Op, string? Value)
{
    public static readonly IReadOnlyList<string> Operators = ["eq", "ne", "contains", "starts", "gt", "gte", "lt", "lte", "empty", "set"];

    public static FieldFilter Parse(string text)
    {
        var parts = text.Split(':', 3);
        return parts.Length < 2
            ? throw ValidationFailedException.For("filter", $"'{text}' is not field:operator:value.")
            : new FieldFilter(parts[0].Trim(), parts[1].Trim().ToLowerInvariant(), parts.Length == 3 ? parts[2] : null);
    }

    public override string ToString() => $"{Field}:{Op}:{Value}";
}

/// <summary>
/// Turns list filters into SQL conditions on any field, custom fields included (an EXISTS on the indexed value
/// rows). Field-level permissions hold here too: filtering on a field you may not read is refused, since the
/// matches would reveal its values.
/// </summary>
public static class CounterpartyFilters
{
    public static List<ListField> Catalogue(FieldContext context, FieldGate gate)
    {
        List<ListField> fields =
        [
            new("name", "Name", "text", false, false, []),
            new("shortName", "Short name", "text", false, false, []),
            new("nip", "NIP", "text", false, false, []),
            new("regon", "REGON", "text", false, false, []),
            new("vatEu", "EU VAT", "text", false, false, []),
            new("kind", "Kind", "choice", false, false, ["company", "person"]),
            new("city", "City", "text", false, false, []),
            new("industry", "Industry", "text", false, false, context.Entries(DictionaryService.Industry)),
            new("priority", "Priority", "text", false, false, context.Entries(DictionaryService.Priority)),
            new("classification", "Classification", "text", false, false, context.Entries(DictionaryService.Classification)),
            new("source", "Acquisition source", "text", false, false, context.Entries(DictionaryService.Source)),
            new("categories", "Categories", "multichoice", false, false, context.Entries(DictionaryService.Category)),
            new("region", "Region", "text", false, false, []),
            new("owner", "Owner", "text", false, false, []),
            new("currency", "Currency", "text", false, false, []),
            new("paymentDays", "Payment days", "number", true, false, []),
            new("creditLimit", "Credit limit", "number", true, false, []),
            new("createdAt", "Created", "date", false, false, []),
            new("blocked", "Blocked", "bool", false, false, []),
            new("group", "Group", "choice", false, false, context.Groups),
            new("openCases", "Open cases", "number", false, true, []),
            new("daysSinceLastContact", "Days since last contact", "number", false, true, []),
            new("turnover", "Turnover (won cases)", "number", false, true, []),
        ];
        fields.AddRange(RecordFilters.CustomFields(context, gate));
        return [.. fields.Where(f => f.Key == "name" || gate.CanRead(f.Key, f.Sensitive))];
    }

    public static IQueryable<Counterparty> Apply(IQueryable<Counterparty> query, IReadOnlyList<FieldFilter> filters, FieldContext context, FieldGate gate,
        CrmDbContext db, DateTimeOffset now)
    {
        var catalogue = Catalogue(context, gate).ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            query = query.Where(Condition(filter, catalogue, context, db, now));
        }

        return query;
    }

    /// <summary>All of <paramref name="filters"/> as one condition over every field: a record rule's, written by an admin.</summary>
    public static Expression<Func<Counterparty, bool>> AllOf(IReadOnlyList<FieldFilter> filters, FieldContext context, CrmDbContext db, DateTimeOffset now)
    {
        var catalogue = Catalogue(context, FieldGate.Everything).ToDictionary(f => f.Key, StringComparer.Ordinal);
        Expression<Func<Counterparty, bool>>? all = null;
        foreach (var filter in filters)
        {
            var condition = Condition(filter, catalogue, context, db, now);
            all = all is null ? condition : FieldConditions.Combine(all, condition, all: true);
        }

        return all ?? (c => true);
    }

    private static Expression<Func<Counterparty, bool>> Condition(FieldFilter filter, Dictionary<string, ListField> catalogue, FieldContext context, CrmDbContext db, DateTimeOffset now)
    {
        if (!catalogue.TryGetValue(filter.Field, out var field))
        {
            throw ValidationFailedException.For("filter", $"'{filter.Field}' is not a field you can filter on.");
        }

        if (!FieldFilter.Operators.Contains(filter.Op))
        {
            throw ValidationFailedException.For("filter", $"Use one of the operators {string.Join(", ", FieldFilter.Operators)} (not '{filter.Op}').");
        }

        return Condition(field, filter, context, db, now);
    }

    private static Expression<Func<Counterparty, bool>> Condition(ListField field, FieldFilter filter, FieldContext context, CrmDbContext db, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (field.Key.StartsWith("cf.", StringComparison.Ordinal))
        {
            return CustomCondition(context.Fields.Single(f => "cf." + f.Key == field.Key), filter, db);
        }

        return field.Key switch
        {
            "name" => Text(c => c.Name, filter),
            "shortName" => Text(c => c.ShortName, filter),
            "nip" => Text(c => c.Nip, filter),
            "regon" => Text(c => c.Regon, filter),
            "vatEu" => Text(c => c.VatEu, filter),
            "industry" => Text(c => c.Industry, filter),
            "priority" => Text(c => c.Priority, filter),
            "classification" => Text(c => c.Classification, filter),
            "source" => Text(c => c.Source, filter),
            "region" => Text(c => c.Region, filter),
            "owner" => Text(c => c.Owner, filter),
            "currency" => Text(c => c.Currency, filter),
            "city" => Text(c => c.Addresses.Where(a => a.Kind == AddressKind.Registered && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today))
                .Select(a => a.City).FirstOrDefault(), filter),
            "kind" => Choice(filter, v => Enum.TryParse<CounterpartyKind>(v, true, out var k) ? k : throw Invalid(field, "company or person"), (k, eq) => c => (c.Kind == k) == eq),
            "categories" => Categories(filter),
            "paymentDays" => Number(c => (double?)c.PaymentDays, field, filter),
            "creditLimit" => Number(c => (double?)c.CreditLimit, field, filter),
            "openCases" => Number(c => (double?)db.Cases.Count(x => x.CounterpartyId == c.Id && x.Outcome == CaseOutcome.Open), field, filter),
            "turnover" => Number(c => (double?)db.Cases.Where(x => x.CounterpartyId == c.Id && x.Outcome == CaseOutcome.Won).Sum(x => (double)x.Value), field, filter),
            "daysSinceLastContact" => DaysSince(filter, field, db, now),
            "createdAt" => DateRange(c => c.CreatedAt, field, filter),
            "group" => Choice(filter, v => v?.Trim() ?? "", (name, eq) => c => db.Set<CounterpartyGroupMember>()
                .Any(m => m.CounterpartyId == c.Id && db.Set<CounterpartyGroup>().Any(g => g.Id == m.GroupId && g.Name == name)) == eq),
            "blocked" => Choice(filter, v => ParseBool(field, v), (b, eq) => c => c.Blocks.Any(x => x.LiftedBy == null && x.From <= today && (x.To == null || x.To >= today)) == (b == eq)),
            _ => throw ValidationFailedException.For("filter", $"'{field.Key}' cannot be filtered."),
        };
    }

    private static Expression<Func<Counterparty, bool>> DaysSince(FieldFilter filter, ListField field, CrmDbContext db, DateTimeOffset now)
    {
        Expression<Func<Counterparty, DateTimeOffset?>> last = c => db.Activities.Where(a => a.CounterpartyId == c.Id && a.Status == ActivityStatus.Done).Max(a => (DateTimeOffset?)a.At);
        if (filter.Op is "empty" or "set")
        {
            return filter.Op == "empty" ? Compose(last, v => v == null) : Compose(last, v => v != null);
        }

        var days = ParseNumber(field, filter.Value);
        var boundary = now.AddDays(-days);
        var nextBoundary = now.AddDays(-days - 1);
        Expression<Func<DateTimeOffset?, bool>> test = filter.Op switch
        {
            "gt" => v => v == null || v < nextBoundary,
            "gte" => v => v == null || v <= boundary,
            "lt" => v => v != null && v > boundary,
            "lte" => v => v != null && v > nextBoundary,
            "eq" => v => v != null && v <= boundary && v > nextBoundary,
            _ => throw Invalid(field, "a comparison (gt, gte, lt, lte, eq, empty, set)"),
        };
        return Compose(last, test);
    }

    /// <summary>
    /// Counterparties with this category. Written as LIKE on the exact expression PostgreSQL keeps statistics for
    /// (an expression index in migration CounterpartyListIndexes): with strpos() the planner guessed 4 rows for
    /// 50 000 and chose to read and sort a whole region.
    /// </summary>
    public static Expression<Func<Counterparty, bool>> HasCategory(string category)
    {
        var pattern = "%," + EscapeLike(category.Trim().ToLowerInvariant()) + ",%";
        return c => c.Categories != null && EF.Functions.Like("," + c.Categories + ",", pattern, "\\");
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static Expression<Func<Counterparty, bool>> Categories(FieldFilter filter)
    {
        var value = (filter.Value ?? "").Trim().ToLowerInvariant();
        var pattern = "%," + EscapeLike(value) + ",%";
        return filter.Op switch
        {
            "eq" or "contains" => HasCategory(value),
            "ne" => c => c.Categories == null || !EF.Functions.Like("," + c.Categories + ",", pattern, "\\"),
            "empty" => c => c.Categories == null || c.Categories == "",
            "set" => c => c.Categories != null && c.Categories != "",
            _ => throw ValidationFailedException.For("filter", "Categories are filtered with eq, ne, empty or set."),
        };
    }

    private static Expression<Func<Counterparty, bool>> Choice<T>(FieldFilter filter, Func<string?, T> parse, Func<T, bool, Expression<Func<Counterparty, bool>>> build) =>
        filter.Op switch
        {
            "eq" => build(parse(filter.Value), true),
            "ne" => build(parse(filter.Value), false),
            _ => throw ValidationFailedException.For("filter", $"'{filter.Field}' is filtered with eq or ne."),
        };

    private static Expression<Func<Counterparty, bool>> Text(Expression<Func<Counterparty, string?>> selector, FieldFilter filter) => FieldConditions.Text(selector, filter);

    private static Expression<Func<Counterparty, bool>> Number(Expression<Func<Counterparty, double?>> selector, ListField field, FieldFilter filter) =>
        FieldConditions.Number(selector, field, filter);

    private static Expression<Func<Counterparty, bool>> DateRange(Expression<Func<Counterparty, DateTimeOffset>> selector, ListField field, FieldFilter filter) =>
        FieldConditions.DateRange(selector, field, filter);

    private static Expression<Func<Counterparty, bool>> CustomCondition(CustomFieldDefinition field, FieldFilter filter, CrmDbContext db) =>
        FieldConditions.CustomCondition<Counterparty>(c => c.Id, field, filter, db);

    private static Expression<Func<Counterparty, bool>> Compose<T>(Expression<Func<Counterparty, T>> selector, Expression<Func<T, bool>> test) => FieldConditions.Compose(selector, test);
}
