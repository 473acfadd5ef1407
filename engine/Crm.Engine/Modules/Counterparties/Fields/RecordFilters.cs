using Crm.Platform.Access;
using System.Linq.Expressions;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Persistence;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>
/// Filters on any field of the person and case lists (built-in and admin-defined), with the operators of the
/// counterparty list. A sensitive custom field is neither offered nor accepted for those who may not read it.
/// </summary>
public static class RecordFilters
{
    public static List<ListField> PersonCatalogue(FieldContext context, FieldGate gate) => Readable(gate,
    [
        new("firstName", "First name", "text", false, false, []),
        new("lastName", "Last name", "text", false, false, []),
        new("company", "Company", "text", false, false, []),
        new("position", "Position", "text", false, false, []),
        new("department", "Department", "text", false, false, []),
        new("email", "E-mail", "text", false, false, []),
        new("phone", "Phone", "text", false, false, []),
        new("gender", "Gender", "choice", false, false, PersonCard.Genders),
        new("roles", "Roles", "text", false, false, []),
        new("marketingConsent", "Marketing consent", "bool", false, false, []),
        new("createdAt", "Created", "date", false, false, []),
        .. CustomFields(context, gate),
    ]);

    public static List<ListField> CaseCatalogue(FieldContext context, FieldGate gate) => Readable(gate,
    [
        new("title", "Title", "text", false, false, []),
        new("counterparty", "Counterparty", "text", false, false, []),
        new("phase", "Phase", "text", false, false, []),
        new("owner", "Owner", "text", false, false, []),
        new("value", "Value", "number", false, false, []),
        new("probability", "Probability", "number", false, false, []),
        new("currency", "Currency", "text", false, false, []),
        new("lostReason", "Reason lost", "text", false, false, []),
        new("createdAt", "Created", "date", false, false, []),
        .. CustomFields(context, gate),
    ]);

    public static List<ListField> ActivityCatalogue() =>
    [
        new("subject", "Subject", "text", false, false, []),
        new("type", "Type", "choice", false, false, [.. Enum.GetNames<ActivityType>().Select(n => n.ToLowerInvariant())]),
        new("direction", "Direction", "choice", false, false, ["in", "out"]),
        new("status", "Status", "choice", false, false, ["planned", "done", "cancelled"]),
        new("counterparty", "Counterparty", "text", false, false, []),
        new("employee", "Employee", "text", false, false, []),
        new("at", "When", "date", false, false, []),
        new("durationMinutes", "Minutes", "number", false, false, []),
    ];

    public static IQueryable<Activity> ApplyToActivities(IQueryable<Activity> query, IReadOnlyList<FieldFilter>? filters, CrmDbContext db)
    {
        foreach (var filter in filters ?? [])
        {
            var field = Field(ActivityCatalogue(), filter);
            query = query.Where(field.Key switch
            {
                "subject" => FieldConditions.Text<Activity>(a => a.Subject, filter),
                "type" => Is<Activity, ActivityType>(a => a.Type, field, filter),
                "direction" => FieldConditions.Text<Activity>(a => a.Direction, filter),
                "status" => Is<Activity, ActivityStatus>(a => a.Status, field, filter),
                "counterparty" => FieldConditions.Text<Activity>(a => db.Counterparties.Where(c => c.Id == a.CounterpartyId).Select(c => c.Name).FirstOrDefault(), filter),
                "employee" => FieldConditions.Text<Activity>(a => a.Employee, filter),
                "at" => FieldConditions.DateRange<Activity>(a => a.At, field, filter),
                _ => FieldConditions.Number<Activity>(a => a.DurationMinutes, field, filter),
            });
        }

        return query;
    }

    /// <summary>eq / ne on an enum field, the value given by name.</summary>
    private static Expression<Func<T, bool>> Is<T, TEnum>(Expression<Func<T, TEnum>> selector, ListField field, FieldFilter filter) where TEnum : struct, Enum
    {
        if (!Enum.TryParse<TEnum>(filter.Value, ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted))
        {
            throw FieldConditions.Invalid(field, "one of: " + string.Join(", ", field.Choices));
        }

        var constant = Expression.Constant(wanted, typeof(TEnum));
        return filter.Op switch
        {
            "eq" => Expression.Lambda<Func<T, bool>>(Expression.Equal(selector.Body, constant), selector.Parameters),
            "ne" => Expression.Lambda<Func<T, bool>>(Expression.NotEqual(selector.Body, constant), selector.Parameters),
            _ => throw FieldConditions.Invalid(field, "eq or ne"),
        };
    }

    public static IQueryable<ContactPerson> ApplyToPersons(IQueryable<ContactPerson> query, IReadOnlyList<FieldFilter>? filters, FieldContext context, FieldGate gate, CrmDbContext db)
    {
        foreach (var filter in filters ?? [])
        {
            var field = Field(PersonCatalogue(context, gate), filter);
            query = query.Where(field.Key switch
            {
                "firstName" => FieldConditions.Text<ContactPerson>(p => p.FirstName, filter),
                "lastName" => FieldConditions.Text<ContactPerson>(p => p.LastName, filter),
                "company" => FieldConditions.Text<ContactPerson>(p => db.Counterparties.Where(c => c.Id == p.CounterpartyId).Select(c => c.Name).FirstOrDefault(), filter),
                "position" => FieldConditions.Text<ContactPerson>(p => p.Position, filter),
                "department" => FieldConditions.Text<ContactPerson>(p => p.Department, filter),
                "email" => FieldConditions.Text<ContactPerson>(p => p.Email, filter),
                "phone" => FieldConditions.Text<ContactPerson>(p => p.Phone, filter),
                "gender" => FieldConditions.Text<ContactPerson>(p => p.Gender, filter),
                "roles" => FieldConditions.Text<ContactPerson>(p => p.Roles, filter),
                "marketingConsent" => Flag<ContactPerson>(p => p.MarketingConsent, field, filter),
                "createdAt" => FieldConditions.DateRange<ContactPerson>(p => p.CreatedAt, field, filter),
                _ => FieldConditions.CustomCondition<ContactPerson>(p => p.Id, context.Fields.Single(f => "cf." + f.Key == field.Key), filter, db),
            });
        }

        return query;
    }

    public static IQueryable<CrmCase> ApplyToCases(IQueryable<CrmCase> query, IReadOnlyList<FieldFilter>? filters, FieldContext context, FieldGate gate, CrmDbContext db)
    {
        foreach (var filter in filters ?? [])
        {
            var field = Field(CaseCatalogue(context, gate), filter);
            query = query.Where(field.Key switch
            {
                "title" => FieldConditions.Text<CrmCase>(c => c.Title, filter),
                "counterparty" => FieldConditions.Text<CrmCase>(c => db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault(), filter),
                "phase" => FieldConditions.Text<CrmCase>(c => c.Phase, filter),
                "owner" => FieldConditions.Text<CrmCase>(c => c.Owner, filter),
                "value" => FieldConditions.Number<CrmCase>(c => (double?)c.Value, field, filter),
                "probability" => FieldConditions.Number<CrmCase>(c => c.Probability, field, filter),
                "currency" => FieldConditions.Text<CrmCase>(c => c.Currency, filter),
                "lostReason" => FieldConditions.Text<CrmCase>(c => c.LostReason, filter),
                "createdAt" => FieldConditions.DateRange<CrmCase>(c => c.CreatedAt, field, filter),
                _ => FieldConditions.CustomCondition<CrmCase>(c => c.Id, context.Fields.Single(f => "cf." + f.Key == field.Key), filter, db),
            });
        }

        return query;
    }

    /// <summary>The admin-defined fields of an entity as list fields (those the caller may read).</summary>
    public static IEnumerable<ListField> CustomFields(FieldContext context, FieldGate gate) =>
        context.Fields.Where(f => gate.CanRead("cf." + f.Key, f.Sensitive)).Select(f => new ListField("cf." + f.Key, f.Label, f.Type switch
        {
            CustomFieldType.Number => "number",
            CustomFieldType.Date => "date",
            CustomFieldType.Bool => "bool",
            CustomFieldType.MultiChoice => "multichoice",
            CustomFieldType.Choice or CustomFieldType.Dictionary => "choice",
            _ => "text",
        }, f.Sensitive, false, context.Choices(f)));

    private static List<ListField> Readable(FieldGate gate, List<ListField> fields) => [.. fields.Where(f => gate.CanRead(f.Key, f.Sensitive))];

    private static ListField Field(List<ListField> catalogue, FieldFilter filter) =>
        catalogue.FirstOrDefault(f => f.Key == filter.Field) ?? throw ValidationFailedException.For("filter", $"'{filter.Field}' is not a field you can filter on.");

    private static Expression<Func<T, bool>> Flag<T>(Expression<Func<T, bool>> selector, ListField field, FieldFilter filter)
    {
        var wanted = FieldConditions.ParseBool(field, filter.Value);
        return filter.Op switch
        {
            "eq" => FieldConditions.Compose(selector, v => v == wanted),
            "ne" => FieldConditions.Compose(selector, v => v != wanted),
            _ => throw FieldConditions.Invalid(field, "eq or ne"),
        };
    }
}
