using System.Globalization;

namespace Crm.Designer.Localization;

/// <summary>
/// The UI cultures. Polish writes dates with two-digit days (06.12.2026), as Polish offices and forms do; the ICU
/// data behind .NET gives "6.12.2026", so the Polish culture is a copy with that one pattern changed.
/// </summary>
public static class UiCultures
{
    public static readonly string[] Names = ["en", "pl"];

    public static IList<CultureInfo> All { get; } = [CultureInfo.GetCultureInfo("en"), Polish()];

    public static CultureInfo Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)) ?? CultureInfo.GetCultureInfo(name);

    private static CultureInfo Polish()
    {
        var polish = (CultureInfo)CultureInfo.GetCultureInfo("pl").Clone();
        polish.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        return CultureInfo.ReadOnly(polish);
    }
}
