using Crm.Modules.Counterparties.Fields;
using Crm.Designer.Localization;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Components.Counterparties;

/// <summary>List field labels in the UI language: built-in fields have texts (Field_&lt;key&gt;); custom fields keep the admin's own label.</summary>
public static class FieldLabels
{
    public static string Of(ListField field, IStringLocalizer<UiText> text) =>
        !field.Key.StartsWith("cf.", StringComparison.Ordinal) && text["Field_" + field.Key] is { ResourceNotFound: false } found ? found.Value : field.Label;

    /// <summary>A list cell's value as text in the UI language.</summary>
    public static string Show(object? value, IStringLocalizer<UiText> text) => value switch
    {
        null => "",
        bool b => b ? text["Yes"] : text["No"],
        decimal d => d.ToString("N2", System.Globalization.CultureInfo.CurrentCulture),
        double d => d.ToString("0.##", System.Globalization.CultureInfo.CurrentCulture),
        DateOnly d => Localization.UiFormat.Date(d),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.CurrentCulture) ?? "",
    };
}
