using Crm.Engine.Counterparties.Fields;
using Crm.Designer.Localization;
using Microsoft.Extensions.Localization;

namespace Crm.Designer.Components.Customers;

/// <summary>List field labels in the UI language: built-in fields have texts (Field_&lt;key&gt;); custom fields keep the admin's own label.</summary>
public static class FieldLabels
{
    public static string Of(ListField field, IStringLocalizer<UiText> text) =>
        !field.Key.StartsWith("cf.", StringComparison.Ordinal) && text["Field_" + field.Key] is { ResourceNotFound: false } found ? found.Value : field.Label;
}
