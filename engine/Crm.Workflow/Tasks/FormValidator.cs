using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Crm.Workflow.Tasks;

/// <summary>
/// Checks submitted task data against the task's form schema (a JSON Schema subset: object properties
/// with type, enum, required, minLength/maxLength, minimum/maximum, pattern). Returns errors per field.
/// </summary>
public static class FormValidator
{
    /// <param name="checkRequired">False for partial saves (a delegate resolving): only the values given are checked.</param>
    public static Dictionary<string, string[]> Validate(string? schemaJson, IReadOnlyDictionary<string, JsonNode?> data, bool checkRequired = true)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(schemaJson))
        {
            return errors;
        }

        using var schema = JsonDocument.Parse(schemaJson);
        var root = schema.RootElement;
        if (checkRequired && root.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (!data.TryGetValue(name, out var value) || value is null || (value is JsonValue v && v.TryGetValue(out string? s) && string.IsNullOrWhiteSpace(s)))
                {
                    Add(errors, name, "This field is required.");
                }
            }
        }

        if (!root.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (data.TryGetValue(property.Name, out var value) && value is not null)
            {
                CheckValue(errors, property.Name, property.Value, value);
            }
        }

        return errors;
    }

    private static void CheckValue(Dictionary<string, string[]> errors, string name, JsonElement rule, JsonNode value)
    {
        var kind = value.GetValueKind();
        if (rule.TryGetProperty("type", out var typeElement) && typeElement.GetString() is { } type)
        {
            var ok = type switch
            {
                "string" => kind == JsonValueKind.String,
                "number" => kind == JsonValueKind.Number,
                "integer" => kind == JsonValueKind.Number && value.GetValue<decimal>() % 1 == 0,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                "array" => kind == JsonValueKind.Array,
                "object" => kind == JsonValueKind.Object,
                _ => true,
            };
            if (!ok)
            {
                Add(errors, name, $"Expected a value of type {type}.");
                return;
            }
        }

        if (rule.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array
            && !options.EnumerateArray().Any(o => JsonNode.DeepEquals(JsonNode.Parse(o.GetRawText()), value)))
        {
            Add(errors, name, $"Choose one of: {string.Join(", ", options.EnumerateArray().Select(o => o.ToString()))}.");
        }

        if (kind == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (rule.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32())
            {
                Add(errors, name, $"Use at least {min.GetInt32()} characters.");
            }

            if (rule.TryGetProperty("maxLength", out var max) && text.Length > max.GetInt32())
            {
                Add(errors, name, $"Use at most {max.GetInt32()} characters.");
            }

            if (rule.TryGetProperty("pattern", out var pattern) && pattern.GetString() is { } regex
                && !Regex.IsMatch(text, regex, RegexOptions.None, TimeSpan.FromMilliseconds(100)))
            {
                Add(errors, name, "The value does not have the expected format.");
            }
        }

        if (kind == JsonValueKind.Number)
        {
            var number = value.GetValue<decimal>();
            if (rule.TryGetProperty("minimum", out var min) && number < min.GetDecimal())
            {
                Add(errors, name, $"The smallest allowed value is {min.GetDecimal().ToString(CultureInfo.InvariantCulture)}.");
            }

            if (rule.TryGetProperty("maximum", out var max) && number > max.GetDecimal())
            {
                Add(errors, name, $"The largest allowed value is {max.GetDecimal().ToString(CultureInfo.InvariantCulture)}.");
            }
        }
    }

    private static void Add(Dictionary<string, string[]> errors, string name, string message) =>
        errors[name] = errors.TryGetValue(name, out var existing) ? [.. existing, message] : [message];
}
