using Crm.Platform.Access;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Fields;

public sealed record DefineFieldRequest(
    string? Entity, string? Key, string? Label, string? Type, bool Required = false, string? Pattern = null, double? Min = null, double? Max = null,
    IReadOnlyList<string>? Options = null, string? DictionaryKey = null, bool Sensitive = false);

public sealed record CustomFieldView(Guid Id, string Entity, string Key, string Label, string Type, bool Required, string? Pattern, double? Min, double? Max,
    IReadOnlyList<string> Options, string? DictionaryKey, bool Sensitive)
{
    /// <summary>Whether the field rules let the user who listed it change it (forms show it read-only and do not send it otherwise).</summary>
    public bool Writable { get; init; } = true;
}

/// <summary>
/// What validation and rendering of custom fields need, loaded once per request: the active field definitions
/// of an entity and the active entries of every dictionary.
/// </summary>
public sealed record FieldContext(IReadOnlyList<CustomFieldDefinition> Fields, IReadOnlyDictionary<string, IReadOnlyList<string>> Dictionaries)
{
    public static readonly FieldContext Empty = new([], new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>Names of the counterparty groups (a filter field).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    public IReadOnlyList<string> Entries(string dictionary) => Dictionaries.TryGetValue(dictionary, out var e) ? e : [];

    public IReadOnlyList<string> Choices(CustomFieldDefinition field) => field.Type == CustomFieldType.Dictionary ? Entries(field.DictionaryKey ?? "") : field.OptionList;
}

/// <summary>Admin-defined custom fields: their definitions, validation of values (type, required, pattern, range, choices) and storage.</summary>
public sealed class CustomFieldService(CrmDbContext db, CounterpartyAccess recordAccess)
{
    public static readonly IReadOnlyList<string> Entities = ["counterparty", "person", "case"];

    public async Task<FieldContext> ContextAsync(string entity, CancellationToken cancellationToken)
    {
        var fields = await db.Set<CustomFieldDefinition>().AsNoTracking().Where(f => f.Entity == entity && !f.Archived)
            .OrderBy(f => f.Order).ThenBy(f => f.Label).ToListAsync(cancellationToken);
        var entries = await db.Set<DictionaryEntry>().AsNoTracking().Where(d => d.Active).OrderBy(d => d.Order).ThenBy(d => d.Value)
            .Select(d => new { d.Dictionary, d.Value }).ToListAsync(cancellationToken);
        var groups = await db.Set<CounterpartyGroup>().AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);
        return new FieldContext(fields, entries.GroupBy(e => e.Dictionary).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.Value)], StringComparer.Ordinal))
        {
            Groups = groups,
        };
    }

    public async Task<List<CustomFieldView>> ListAsync(string entity, CurrentUser user, CancellationToken cancellationToken)
    {
        var context = await ContextAsync(entity, cancellationToken);
        var gate = recordAccess.Fields(user, entity);
        return [.. context.Fields.Where(f => gate.CanRead("cf." + f.Key, f.Sensitive)).Select(f => View(f) with { Writable = gate.CanWrite("cf." + f.Key, f.Sensitive) })];
    }

    public async Task<Guid> DefineAsync(DefineFieldRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var entity = request.Entity?.Trim().ToLowerInvariant() ?? "counterparty";
        if (!Entities.Contains(entity))
        {
            errors["entity"] = [$"Use one of: {string.Join(", ", Entities)}."];
        }

        var key = request.Key?.Trim() ?? "";
        if (!Regex.IsMatch(key, "^[a-zA-Z][a-zA-Z0-9_]{0,59}$"))
        {
            errors["key"] = ["The key starts with a letter and has only letters, digits and _ (at most 60)."];
        }

        if (string.IsNullOrWhiteSpace(request.Label) || request.Label.Length > 100)
        {
            errors["label"] = ["Give the label (at most 100 characters)."];
        }

        if (!Enum.TryParse<CustomFieldType>(request.Type, ignoreCase: true, out var type) || !Enum.IsDefined(type))
        {
            errors["type"] = [$"Use one of: {string.Join(", ", Enum.GetNames<CustomFieldType>().Select(n => n.ToLowerInvariant()))}."];
        }

        if (request.Pattern is { Length: > 0 } pattern && !IsValidPattern(pattern))
        {
            errors["pattern"] = ["This is not a valid regular expression."];
        }

        if (request.Min > request.Max)
        {
            errors["max"] = ["The maximum is below the minimum."];
        }

        var options = (request.Options ?? []).Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (type is CustomFieldType.Choice or CustomFieldType.MultiChoice && options.Count == 0)
        {
            errors["options"] = ["Give at least one choice."];
        }

        if (type == CustomFieldType.Dictionary && string.IsNullOrWhiteSpace(request.DictionaryKey))
        {
            errors["dictionaryKey"] = ["Choose the dictionary."];
        }

        if (errors.Count == 0 && await db.Set<CustomFieldDefinition>().AnyAsync(f => f.Entity == entity && f.Key == key, cancellationToken))
        {
            errors["key"] = [$"A field '{key}' already exists."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var order = await db.Set<CustomFieldDefinition>().Where(f => f.Entity == entity).Select(f => (int?)f.Order).MaxAsync(cancellationToken) ?? 0;
        var field = new CustomFieldDefinition
        {
            Entity = entity, Key = key, Label = request.Label!.Trim(), Type = type, Required = request.Required, Pattern = NullIfEmpty(request.Pattern),
            Min = request.Min, Max = request.Max, Options = options.Count > 0 ? string.Join('\n', options) : null,
            DictionaryKey = NullIfEmpty(request.DictionaryKey?.ToLowerInvariant()), Sensitive = request.Sensitive, Order = order + 1,
        };
        db.Add(field);
        await db.SaveChangesAsync(cancellationToken);
        return field.Id;
    }

    /// <summary>Archived fields disappear from forms, lists and filters; their stored values stay.</summary>
    public async Task ArchiveAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var field = await db.Set<CustomFieldDefinition>().SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException($"Field {id} does not exist.");
        field.Archived = true;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Checks the submitted values against the definitions and returns the rows to store (field errors under
    /// <c>customFields.&lt;key&gt;</c>). Fields the user may not write (field rules, sensitive fields) are refused, never dropped silently.
    /// </summary>
    public static List<CustomFieldValue> Validate(FieldContext context, IReadOnlyDictionary<string, JsonElement>? input, FieldGate gate,
        Action<string, string?> error, bool partial = false)
    {
        var values = new List<CustomFieldValue>();
        var given = input ?? new Dictionary<string, JsonElement>();
        foreach (var key in given.Keys.Where(k => context.Fields.All(f => f.Key != k)))
        {
            error($"customFields.{key}", $"There is no field '{key}'.");
        }

        foreach (var field in context.Fields)
        {
            var name = $"customFields.{field.Key}";
            var present = given.TryGetValue(field.Key, out var raw);
            if (!present && partial)
            {
                continue;
            }

            var texts = present ? Texts(raw) : [];
            // Setting and clearing (sending null or nothing) a field both need the right to write it.
            var writable = gate.CanWrite("cf." + field.Key, field.Sensitive);
            if (present && !writable)
            {
                error(name, $"You may not set '{field.Label}'.");
                continue;
            }

            if (texts.Count == 0)
            {
                error(name, field.Required && writable ? $"{field.Label} is required." : null);
                continue;
            }

            var message = Parse(field, context, texts, values);
            error(name, message);
        }

        return values;
    }

    private static string? Parse(CustomFieldDefinition field, FieldContext context, IReadOnlyList<string> texts, List<CustomFieldValue> values)
    {
        if (texts.Count > 1 && field.Type != CustomFieldType.MultiChoice)
        {
            return $"{field.Label} takes one value.";
        }

        var text = texts[0];
        switch (field.Type)
        {
            case CustomFieldType.Text:
                if (text.Length > 1000)
                {
                    return $"{field.Label} has at most 1000 characters.";
                }

                if (field.Pattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(200)))
                {
                    return $"{field.Label} does not have the expected form.";
                }

                values.Add(new CustomFieldValue { FieldId = field.Id, Text = text });
                return null;
            case CustomFieldType.Number:
                if (!double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    return $"{field.Label} is a number.";
                }

                if (number < field.Min || number > field.Max)
                {
                    return $"{field.Label} is between {field.Min?.ToString(CultureInfo.InvariantCulture) ?? "−∞"} and {field.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}.";
                }

                values.Add(new CustomFieldValue { FieldId = field.Id, Number = number });
                return null;
            case CustomFieldType.Date:
                if (!DateOnly.TryParse(text, CultureInfo.InvariantCulture, out var date))
                {
                    return $"{field.Label} is a date (2024-01-31).";
                }

                values.Add(new CustomFieldValue { FieldId = field.Id, Date = date });
                return null;
            case CustomFieldType.Bool:
                if (!bool.TryParse(text, out var flag))
                {
                    return $"{field.Label} is true or false.";
                }

                values.Add(new CustomFieldValue { FieldId = field.Id, Number = flag ? 1 : 0 });
                return null;
            default:
                var choices = context.Choices(field);
                if (texts.FirstOrDefault(t => !choices.Contains(t)) is { } unknown)
                {
                    return $"'{unknown}' is not one of the choices of {field.Label}: {string.Join(", ", choices)}.";
                }

                values.AddRange(texts.Distinct(StringComparer.Ordinal).Select(t => new CustomFieldValue { FieldId = field.Id, Text = t }));
                return null;
        }
    }

    /// <summary>Replaces the stored values of the given fields with <paramref name="values"/> (saved with the caller's next SaveChanges).</summary>
    public async Task StoreAsync(Guid entityId, IReadOnlyCollection<Guid> fields, IReadOnlyList<CustomFieldValue> values, CancellationToken cancellationToken)
    {
        var old = await db.Set<CustomFieldValue>().Where(v => v.EntityId == entityId && fields.Contains(v.FieldId)).ToListAsync(cancellationToken);
        db.RemoveRange(old);
        foreach (var value in values)
        {
            value.EntityId = entityId;
            db.Add(value);
        }
    }

    /// <summary>Display values of the given entities: key → text (multi-choice joined with ", "); only the fields the gate lets the user read.</summary>
    public async Task<Dictionary<Guid, Dictionary<string, object?>>> ValuesAsync(FieldContext context, IReadOnlyCollection<Guid> ids, FieldGate gate, CancellationToken cancellationToken)
    {
        var fields = context.Fields.Where(f => gate.CanRead("cf." + f.Key, f.Sensitive)).ToDictionary(f => f.Id);
        var fieldIds = fields.Keys.ToList();
        var result = ids.ToDictionary(id => id, _ => new Dictionary<string, object?>(StringComparer.Ordinal));
        if (fieldIds.Count == 0 || ids.Count == 0)
        {
            return result;
        }

        var rows = await db.Set<CustomFieldValue>().AsNoTracking().Where(v => ids.Contains(v.EntityId) && fieldIds.Contains(v.FieldId)).ToListAsync(cancellationToken);
        foreach (var group in rows.GroupBy(v => (v.EntityId, v.FieldId)))
        {
            var field = fields[group.Key.FieldId];
            var first = group.First();
            result[group.Key.EntityId][field.Key] = field.Type switch
            {
                CustomFieldType.Number => first.Number,
                CustomFieldType.Bool => first.Number == 1,
                CustomFieldType.Date => first.Date,
                _ => string.Join(", ", group.Select(v => v.Text).Order(StringComparer.Ordinal)),
            };
        }

        return result;
    }

    /// <summary>A JSON value as the list of texts it gives (arrays for multi-choice; null and "" are no value).</summary>
    /// <summary>An entity's readable custom fields as export columns, and their values for these records (read in batches of 1 000).</summary>
    public async Task<(List<ListField> Fields, Dictionary<Guid, Dictionary<string, object?>> Values)> ColumnsAsync(string entity, IReadOnlyList<Guid> ids, FieldGate gate,
        CancellationToken cancellationToken)
    {
        var context = await ContextAsync(entity, cancellationToken);
        var values = new Dictionary<Guid, Dictionary<string, object?>>();
        foreach (var batch in ids.Chunk(1_000))
        {
            foreach (var (id, fields) in await ValuesAsync(context, batch, gate, cancellationToken))
            {
                values[id] = fields;
            }
        }

        return ([.. RecordFilters.CustomFields(context, gate)], values);
    }

    public static IReadOnlyList<string> Texts(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => [.. value.EnumerateArray().SelectMany(Texts)],
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? [] : [value.GetString()!.Trim()],
        JsonValueKind.Number => [value.GetRawText()],
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        _ => [],
    };

    public static CustomFieldView View(CustomFieldDefinition f) =>
        new(f.Id, f.Entity, f.Key, f.Label, f.Type.ToString().ToLowerInvariant(), f.Required, f.Pattern, f.Min, f.Max, f.OptionList, f.DictionaryKey, f.Sensitive);

    internal static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only administrators define fields and edit dictionaries.");
        }
    }

    private static bool IsValidPattern(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
