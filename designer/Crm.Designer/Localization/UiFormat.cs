using System.Globalization;
using System.Text.RegularExpressions;

namespace Crm.Designer.Localization;

/// <summary>
/// Dates, numbers and money as the reader's UI culture writes them (Polish: 06.12.2026, 1 234,56 zł; English per
/// the en culture). One place, so no page falls back to ISO or US formats by accident.
/// </summary>
public static partial class UiFormat
{
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    public static string Date(DateOnly? day) => day?.ToString("d", Culture) ?? "";

    public static string Date(DateTime? at) => at?.ToString("d", Culture) ?? "";

    public static string Date(DateTimeOffset? at) => at?.ToLocalTime().ToString("d", Culture) ?? "";

    /// <summary>Day and month without the year, for chart axes: the culture's short date with the year cut out (06.12, 12/6).</summary>
    public static string DayMonth(DateOnly day) =>
        day.ToString(YearPart().Replace(Culture.DateTimeFormat.ShortDatePattern, ""), Culture);

    public static string DateTime(DateTimeOffset? at) => at?.ToLocalTime().ToString("g", Culture) ?? "";

    public static string Number(decimal value, int decimals = 0) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Culture);

    public static string Number(long value) => value.ToString("N0", Culture);

    /// <summary>An amount with two decimals and the currency after it; the Polish UI writes złoty as "zł".</summary>
    public static string Money(decimal? amount, string? currency, int decimals = 2) =>
        amount is { } value ? $"{Number(value, decimals)} {CurrencySymbol(currency)}".TrimEnd() : "";

    public static string CurrencySymbol(string? currency) =>
        currency is "PLN" && Culture.TwoLetterISOLanguageName == "pl" ? "zł" : currency ?? "";

    [GeneratedRegex(@"[^dM]*y+[^dM]*")]
    private static partial Regex YearPart();
}
