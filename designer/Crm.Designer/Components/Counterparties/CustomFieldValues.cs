using System.Globalization;
using System.Text.Json;

namespace Crm.Designer.Components.Counterparties;

/// <summary>Custom field values between the form (texts) and the service (JSON values, typed display values).</summary>
public static class CustomFieldValues
{
    /// <summary>Texts of a stored value as the form edits them.</summary>
    public static List<string> ToTexts(object? value) => value switch
    {
        null => [],
        bool b => [b ? "true" : "false"],
        double d => [d.ToString("0.##########", CultureInfo.InvariantCulture)],
        DateOnly d => [d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
        string s => [.. s.Split(", ", StringSplitOptions.RemoveEmptyEntries)],
        _ => [Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""],
    };

    /// <summary>The form's texts as the JSON the service validates (an empty list clears the value).</summary>
    public static Dictionary<string, JsonElement> ToJson(IReadOnlyDictionary<string, List<string>> texts, IEnumerable<Crm.Modules.Counterparties.Fields.CustomFieldView> fields) =>
        fields.ToDictionary(f => f.Key, f => f.Type == "multichoice"
            ? JsonSerializer.SerializeToElement(texts.GetValueOrDefault(f.Key) ?? [])
            : JsonSerializer.SerializeToElement(texts.GetValueOrDefault(f.Key)?.FirstOrDefault() ?? ""));
}
