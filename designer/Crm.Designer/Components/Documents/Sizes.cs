using System.Globalization;

namespace Crm.Designer.Components.Documents;

/// <summary>File sizes as people read them (1.2 MB), in the UI culture's number format.</summary>
public static class Sizes
{
    public static string Format(long bytes) => bytes < 1024 ? string.Create(CultureInfo.CurrentCulture, $"{bytes} B")
        : bytes < 1024 * 1024 ? string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0:F1} KB")
        : string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0 / 1024.0:F1} MB");
}
