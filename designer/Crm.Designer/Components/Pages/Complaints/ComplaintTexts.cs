using Crm.Designer.Localization;
using Crm.Modules.Complaints;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Crm.Designer.Components.Pages.Complaints;

/// <summary>Complaint codes as people read them (statuses, decisions, columns), in the UI's language.</summary>
public static class ComplaintTexts
{
    public static string Status(ComplaintStatus status, IStringLocalizer<UiText> t) => t["ComplaintStatus_" + status.ToString().ToLowerInvariant()];

    public static string Decision(ComplaintDecision decision, IStringLocalizer<UiText> t) =>
        decision == ComplaintDecision.None ? "" : t["Decision_" + decision.ToString().ToLowerInvariant()];

    public static Color StatusColor(ComplaintStatus status) => status switch
    {
        ComplaintStatus.Open => Color.Info,
        ComplaintStatus.Decided => Color.Primary,
        ComplaintStatus.Answered => Color.Secondary,
        _ => Color.Default,
    };

    public static string Column(string column, IStringLocalizer<UiText> t) => t["ComplaintColumn_" + column];

    /// <summary>A history entry's kind (registered, decided …) as a label.</summary>
    public static string Step(string kind, IStringLocalizer<UiText> t) => t["ComplaintStep_" + kind] is { ResourceNotFound: false } text ? text : kind;
}
