using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.Designer.Localization;

/// <summary>
/// Process variables and decision results as people read them: text as text, objects indented, Polish letters as
/// letters (not \u0119). Blazor HTML-encodes what it shows, so the relaxed escaping cannot inject markup.
/// </summary>
public static class ReadableJson
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Text(JsonNode? value) => value switch
    {
        null => "—",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(Indented),
    };
}
