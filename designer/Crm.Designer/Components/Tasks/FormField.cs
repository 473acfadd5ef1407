using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.Designer.Components.Tasks;

/// <summary>One input of a task form, read from the task's JSON schema (properties, type, enum, required, title).</summary>
public sealed class FormField
{
    public required string Name { get; init; }
    public required string Label { get; init; }
    public string Type { get; init; } = "string";
    /// <summary>JSON Schema "format": date, textarea.</summary>
    public string? Format { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<string> Options { get; init; } = [];
    /// <summary>What a choice reads as (the value itself unless translated).</summary>
    public IReadOnlyDictionary<string, string> OptionLabels { get; init; } = new Dictionary<string, string>();
    public string? Text { get; set; }

    public string OptionLabel(string option) => OptionLabels.GetValueOrDefault(option) ?? option;

    /// <summary>The same field with its label and choices in the UI language.</summary>
    public FormField Translated(string label, IReadOnlyDictionary<string, string> optionLabels) => new()
    {
        Name = Name, Label = label, Type = Type, Format = Format, Required = Required, Options = Options, OptionLabels = optionLabels, Text = Text, Flag = Flag,
    };
    public bool Flag { get; set; }

    public bool HasValue => Type == "boolean" || !string.IsNullOrWhiteSpace(Text);

    /// <summary>The value as JSON; a number field that does not parse is sent as text so the server names the error.</summary>
    public JsonNode? ToJson() => Type switch
    {
        "boolean" => JsonValue.Create(Flag),
        "number" or "integer" when decimal.TryParse(Text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ => JsonValue.Create(Text),
    };

    public static List<FormField> FromSchema(JsonNode? schema)
    {
        if (schema?["properties"] is not JsonObject properties)
        {
            return [];
        }

        var required = (schema["required"] as JsonArray)?.Select(r => r?.ToString()).ToHashSet(StringComparer.Ordinal) ?? [];
        return [.. properties.Select(p => new FormField
        {
            Name = p.Key,
            Label = p.Value?["title"]?.ToString() ?? p.Key,
            Type = p.Value?["type"]?.ToString() ?? "string",
            Format = p.Value?["format"]?.ToString(),
            Required = required.Contains(p.Key),
            Options = (p.Value?["enum"] as JsonArray)?.Select(o => o?.ToString() ?? "").ToList() ?? [],
        })];
    }
}
