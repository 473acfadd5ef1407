using MudBlazor;

namespace Crm.Designer.Components.Layout;

internal static class CrmTheme
{
    // System fonts: the machines we run on have no route to web font CDNs.
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5f8b", AppbarBackground = "#1f5f8b", Secondary = "#e07a1f" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
