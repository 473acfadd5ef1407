using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Localization;

/// <summary>Codes (enum values, phase keys, states) shown to people through the localiser, never raw.</summary>
public static class Localised
{
    /// <summary>The text under <paramref name="key"/>, or <paramref name="fallback"/> when neither language has it.</summary>
    public static string Or(this IStringLocalizer texts, string key, string fallback)
    {
        var found = texts[key];
        return found.ResourceNotFound ? fallback : found.Value;
    }

    /// <summary>A code under a prefix ("InstanceState_" + "Active"); an unknown code reads as a capitalised word, not a key.</summary>
    public static string Code(this IStringLocalizer texts, string prefix, object? code) =>
        code?.ToString() is { Length: > 0 } text ? texts.Or(prefix + text, Capitalise(text)) : "";

    /// <summary>A sales phase: the built-in keys (qualification, offer ...) have names; a phase an admin typed is its own name.</summary>
    public static string Phase(this IStringLocalizer texts, string? phase) => texts.Code("CasePhase_", phase);

    private static string Capitalise(string text) =>
        char.ToUpper(text[0], CultureInfo.CurrentCulture) + text[1..].Replace('-', ' ').Replace('_', ' ');
}
