using System.Globalization;
using Crm.Modules.Marketing.Campaigns;
using MudBlazor;

namespace Crm.Designer.Components.Marketing.Campaigns;

/// <summary>How campaign values look on the pages: status colours, dates and money in the UI culture.</summary>
public static class CampaignTexts
{
    public static Color StatusColor(CampaignStatus status) => status switch
    {
        CampaignStatus.Running => Color.Primary,
        CampaignStatus.Closed => Color.Success,
        CampaignStatus.Cancelled => Color.Default,
        _ => Color.Warning,
    };

    public static Color MemberColor(MemberState state) => state switch
    {
        MemberState.Contacted => Color.Info,
        MemberState.Responded => Color.Primary,
        MemberState.Converted => Color.Success,
        MemberState.OptedOut => Color.Default,
        _ => Color.Secondary,
    };

    public static string Dates(DateOnly? from, DateOnly? to) =>
        from is null && to is null ? "" : $"{from?.ToString("d", CultureInfo.CurrentCulture)} – {to?.ToString("d", CultureInfo.CurrentCulture)}";

    public static string Money(decimal amount, string currency) => Localization.UiFormat.Money(amount, currency);
}
