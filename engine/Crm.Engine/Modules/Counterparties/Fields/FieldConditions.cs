using Crm.Platform.Common;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using System.Globalization;
using System.Linq.Expressions;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>
/// The SQL conditions behind list filters (<c>field:op:value</c>), for any entity: a selector of the field's value
/// composed with a test of the operator, and custom fields as an EXISTS on their value rows. Counterparty, person
/// and case lists all filter through these, so an operator means the same everywhere.
/// </summary>
[ModuleContract]
public static class FieldConditions
{
    public static Expression<Func<TEntity, bool>> Text<TEntity>(Expression<Func<TEntity, string?>> selector, FieldFilter filter)
    {
        var value = (filter.Value ?? "").Trim().ToLowerInvariant();
        Expression<Func<string?, bool>> test = filter.Op switch
        {
            "eq" => v => v != null && v.ToLower() == value,
            "ne" => v => v == null || v.ToLower() != value,
            "contains" => v => v != null && v.ToLower().Contains(value),
            "starts" => v => v != null && v.ToLower().StartsWith(value),
            "gt" => v => v != null && v.ToLower().CompareTo(value) > 0,
            "gte" => v => v != null && v.ToLower().CompareTo(value) >= 0,
            "lt" => v => v != null && v.ToLower().CompareTo(value) < 0,
            "lte" => v => v != null && v.ToLower().CompareTo(value) <= 0,
            "empty" => v => v == null || v == "",
            _ => v => v != null && v != "",
        };
        return Compose(selector, test);
    }


    public static Expression<Func<TEntity, bool>> Number<TEntity>(Expression<Func<TEntity, double?>> selector, ListField field, FieldFilter filter)
    {
        if (filter.Op is "empty")
        {
            return Compose(selector, v => v == null);
        }

        if (filter.Op is "set")
        {
            return Compose(selector, v => v != null);
        }

        var n = ParseNumber(field, filter.Value);
        Expression<Func<double?, bool>> test = filter.Op switch
        {
            "eq" => v => v == n,
            "ne" => v => v != n,
            "gt" => v => v > n,
            "gte" => v => v >= n,
            "lt" => v => v < n,
            "lte" => v => v <= n,
            _ => throw Invalid(field, "a comparison (eq, ne, gt, gte, lt, lte, empty, set)"),
        };
        return Compose(selector, test);
    }


    public static Expression<Func<TEntity, bool>> DateRange<TEntity>(Expression<Func<TEntity, DateTimeOffset>> selector, ListField field, FieldFilter filter)
    {
        var day = ParseDate(field, filter.Value);
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddDays(1);
        Expression<Func<DateTimeOffset, bool>> test = filter.Op switch
        {
            "eq" => v => v >= start && v < end,
            "gt" => v => v >= end,
            "gte" => v => v >= start,
            "lt" => v => v < start,
            "lte" => v => v < end,
            _ => throw Invalid(field, "a date comparison (eq, gt, gte, lt, lte)"),
        };
        return Compose(selector, test);
    }

    /// <summary>A calendar-day field (a complaint's receipt or deadline): eq, gt, gte, lt, lte, empty, set.</summary>
    public static Expression<Func<TEntity, bool>> Day<TEntity>(Expression<Func<TEntity, DateOnly?>> selector, ListField field, FieldFilter filter)
    {
        if (filter.Op is "empty" or "set")
        {
            return filter.Op == "empty" ? Compose(selector, v => v == null) : Compose(selector, v => v != null);
        }

        var day = ParseDate(field, filter.Value);
        Expression<Func<DateOnly?, bool>> test = filter.Op switch
        {
            "eq" => v => v == day,
            "gt" => v => v > day,
            "gte" => v => v >= day,
            "lt" => v => v < day,
            "lte" => v => v <= day,
            _ => throw Invalid(field, "a date comparison (eq, gt, gte, lt, lte, empty, set)"),
        };
        return Compose(selector, test);
    }

    /// <summary>A choice among an enum's values (eq, ne), the value named as the list shows it (e.g. accepted-by-default).</summary>
    public static Expression<Func<TEntity, bool>> Choice<TEntity, TEnum>(Expression<Func<TEntity, TEnum>> selector, ListField field, FieldFilter filter) where TEnum : struct, Enum
    {
        if (!Enum.TryParse<TEnum>((filter.Value ?? "").Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted))
        {
            throw Invalid(field, "one of " + string.Join(", ", field.Choices));
        }

        if (filter.Op is not ("eq" or "ne"))
        {
            throw Invalid(field, "eq or ne");
        }

        // As the compiler writes an enum comparison: both sides as the underlying integer.
        var underlying = Enum.GetUnderlyingType(typeof(TEnum));
        var v = Expression.Parameter(typeof(TEnum), "v");
        Expression equal = Expression.Equal(Expression.Convert(v, underlying), Expression.Constant(Convert.ChangeType(wanted, underlying, System.Globalization.CultureInfo.InvariantCulture), underlying));
        var test = Expression.Lambda<Func<TEnum, bool>>(filter.Op == "eq" ? equal : Expression.Not(equal), v);
        return Compose(selector, test);
    }

    /// <summary>"More than N days since the last contact" includes counterparties never contacted.</summary>

    /// <summary>A filter on an admin-defined field: an EXISTS on its indexed value rows, for whichever record <paramref name="id"/> selects.</summary>
    public static Expression<Func<TEntity, bool>> CustomCondition<TEntity>(Expression<Func<TEntity, Guid>> id, CustomFieldDefinition field, FieldFilter filter, CrmDbContext db) =>
        Compose(id, CustomCondition(field, filter, db));

    private static Expression<Func<Guid, bool>> CustomCondition(CustomFieldDefinition field, FieldFilter filter, CrmDbContext db)
    {
        var fieldId = field.Id;
        var values = db.Set<CustomFieldValue>();
        if (filter.Op == "empty")
        {
            return e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId);
        }

        if (filter.Op == "set")
        {
            return e => values.Any(v => v.EntityId == e && v.FieldId == fieldId);
        }

        var list = new ListField("cf." + field.Key, field.Label, "", false, false, []);
        switch (field.Type)
        {
            case CustomFieldType.Number:
                var n = ParseNumber(list, filter.Value);
                return filter.Op switch
                {
                    "eq" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == n),
                    "ne" => e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == n),
                    "gt" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number > n),
                    "gte" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number >= n),
                    "lt" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number < n),
                    "lte" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number <= n),
                    _ => throw Invalid(list, "a comparison"),
                };
            case CustomFieldType.Date:
                var d = ParseDate(list, filter.Value);
                return filter.Op switch
                {
                    "eq" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date == d),
                    "ne" => e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date == d),
                    "gt" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date > d),
                    "gte" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date >= d),
                    "lt" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date < d),
                    "lte" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Date <= d),
                    _ => throw Invalid(list, "a date comparison"),
                };
            case CustomFieldType.Bool:
                var flag = ParseBool(list, filter.Value) ? 1.0 : 0.0;
                // A missing yes/no value counts as "no".
                return filter.Op switch
                {
                    "eq" when flag == 1 => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == 1),
                    "eq" => e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == 1),
                    "ne" when flag == 1 => e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == 1),
                    "ne" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Number == 1),
                    _ => throw Invalid(list, "eq or ne"),
                };
            default:
                var text = (filter.Value ?? "").Trim();
                var lower = text.ToLowerInvariant();
                return filter.Op switch
                {
                    "eq" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Text == text),
                    "ne" => e => !values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Text == text),
                    "contains" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Text!.ToLower().Contains(lower)),
                    "starts" => e => values.Any(v => v.EntityId == e && v.FieldId == fieldId && v.Text!.ToLower().StartsWith(lower)),
                    _ => throw Invalid(list, "eq, ne, contains, starts, empty or set"),
                };
        }
    }


    public static Expression<Func<TEntity, bool>> Compose<TEntity, T>(Expression<Func<TEntity, T>> selector, Expression<Func<T, bool>> test) =>
        Expression.Lambda<Func<TEntity, bool>>(new Substitute(test.Parameters[0], selector.Body).Visit(test.Body), selector.Parameters);


    /// <summary>Either condition (<paramref name="all"/> false) or both (true), on one parameter so EF translates it.</summary>
    public static Expression<Func<TEntity, bool>> Combine<TEntity>(Expression<Func<TEntity, bool>> left, Expression<Func<TEntity, bool>> right, bool all)
    {
        var body = new Substitute(right.Parameters[0], left.Parameters[0]).Visit(right.Body);
        return Expression.Lambda<Func<TEntity, bool>>(all ? Expression.AndAlso(left.Body, body) : Expression.OrElse(left.Body, body), left.Parameters);
    }


    public static double ParseNumber(ListField field, string? value) =>
        double.TryParse((value ?? "").Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : throw Invalid(field, "a number");


    public static DateOnly ParseDate(ListField field, string? value) =>
        DateOnly.TryParse(value, CultureInfo.InvariantCulture, out var d) ? d : throw Invalid(field, "a date (2024-01-31)");


    public static bool ParseBool(ListField field, string? value) => bool.TryParse(value, out var b) ? b : throw Invalid(field, "true or false");


    public static ValidationFailedException Invalid(ListField field, string expected) =>
        ValidationFailedException.For("filter", $"The filter on {field.Label} needs {expected}.");


    private sealed class Substitute(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
