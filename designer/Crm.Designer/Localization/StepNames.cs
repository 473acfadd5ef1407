using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Localization;

/// <summary>
/// The product's own processes (sales cycle, complaints, check-out ...) name their steps in English in the BPMN; the
/// UI says them in its language: <c>Step_{process}.{element}</c> holds the English name (a step named with
/// <c>${...}</c> as {0}, {1}) and its translation. A name that is not the shipped one (a process owner's model, or a
/// model changed since) is shown as it is: the owners write their models in their own words.
/// </summary>
public static partial class StepNames
{
    private static readonly ResourceManager Texts = new(typeof(UiText).FullName!, typeof(UiText).Assembly);

    public static string Step(this IStringLocalizer texts, string processKey, string elementId, string name)
    {
        var key = $"Step_{processKey}.{elementId}";
        if (Texts.GetString(key, CultureInfo.InvariantCulture) is not { } shipped)
        {
            return name;
        }

        var translated = texts[key].Value;
        if (!shipped.Contains('{', StringComparison.Ordinal))
        {
            return shipped == name ? translated : name;
        }

        // "Contact {0}" shipped, "Contact Jan Nowak (Agroex)" given: the parts in the braces are the step's values.
        var pattern = "^" + Placeholder().Replace(Regex.Escape(shipped), "(.+)") + "$";
        var match = Regex.Match(name, pattern, RegexOptions.Singleline, TimeSpan.FromMilliseconds(50));
        return match.Success ? string.Format(CultureInfo.CurrentCulture, translated, [.. match.Groups.Values.Skip(1).Select(g => (object)g.Value)]) : name;
    }

    /// <summary>The process's name in the UI language when it is one of the product's own.</summary>
    public static string Process(this IStringLocalizer texts, string processKey, string? name) =>
        Texts.GetString($"Process_{processKey}", CultureInfo.InvariantCulture) is { } shipped && (name is null || name == shipped)
            ? texts[$"Process_{processKey}"].Value
            : name ?? processKey;

    /// <summary>A form field of one of the product's steps, its label and choices in the UI language (<c>Form_{process}.{element}.{field}[.{choice}]</c>).</summary>
    public static Components.Tasks.FormField Form(this IStringLocalizer texts, string processKey, string elementId, Components.Tasks.FormField field)
    {
        var prefix = $"Form_{processKey}.{elementId}.{field.Name}";
        return field.Translated(Shipped(texts, prefix, field.Label), field.Options.ToDictionary(o => o, o => Shipped(texts, $"{prefix}.{o}", o)));
    }

    private static string Shipped(IStringLocalizer texts, string key, string shown) =>
        Texts.GetString(key, CultureInfo.InvariantCulture) == shown ? texts[key].Value : shown;

    [GeneratedRegex(@"\\\{\d+}")]
    private static partial Regex Placeholder();
}
