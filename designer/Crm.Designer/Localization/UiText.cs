namespace Crm.Designer.Localization;

/// <summary>Marker type for the UI texts in UiText.resx (English) and UiText.pl.resx (Polish).</summary>
#pragma warning disable CA1052 // a marker type for IStringLocalizer<T> must be instantiable as a type argument
public sealed class UiText;
#pragma warning restore CA1052
