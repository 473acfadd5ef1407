using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Crm.Designer.Components.Common;

/// <summary>
/// Value axes people can read: round steps (1, 2, 2.5 or 5 times a power of ten) and short numbers in the UI
/// culture ("160 k", "1,5 mln") instead of the chart's own ticks such as 163840 or 327680.
/// </summary>
public static class ChartAxis
{
    public static BarChartOptions Bar(IEnumerable<double> values, IStringLocalizer localizer) => new()
    {
        YAxisTicks = Step(values),
        MaxNumYAxisTicks = 12,
        YAxisToStringFunc = value => Abbreviate(value, localizer, CultureInfo.CurrentCulture),
    };

    /// <summary>About five round steps up to the largest value.</summary>
    public static int Step(IEnumerable<double> values)
    {
        var max = values.DefaultIfEmpty(0).Max();
        if (max <= 5)
        {
            return 1;
        }

        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var nice = (raw / magnitude) switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 2.5 => 2.5,
            <= 5 => 5,
            _ => 10,
        };
        return (int)Math.Max(1, Math.Round(nice * magnitude));
    }

    public static string Abbreviate(double value, IStringLocalizer localizer, CultureInfo culture) => Math.Abs(value) switch
    {
        >= 1_000_000 => string.Format(culture, localizer["NumberMillions"], (value / 1_000_000).ToString("0.#", culture)),
        >= 1_000 => string.Format(culture, localizer["NumberThousands"], (value / 1_000).ToString("0.#", culture)),
        _ => value.ToString("0.##", culture),
    };
}
