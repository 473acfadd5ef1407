using MudBlazor;

namespace Crm.Designer.Components.Layout;

internal static class CrmTheme
{
    // System fonts: the machines we run on have no route to web font CDNs.
    public static readonly MudTheme Theme = new()
    {
        // Status colours darkened from MudBlazor's defaults so white text on them, and they on white, reach WCAG AA (4.5:1).
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5f8b", AppbarBackground = "#1f5f8b", Secondary = "#b35c00",
            Warning = "#b35c00", Error = "#c62828", Success = "#2e7d32", Info = "#1565c0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
