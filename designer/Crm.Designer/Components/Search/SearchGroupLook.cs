using MudBlazor;

namespace Crm.Designer.Components.Search;

/// <summary>How a global search group looks: its icon, and the key of its label (<c>GlobalSearch_{group}</c>).</summary>
public static class SearchGroupLook
{
    public static string Icon(string group) => group switch
    {
        "counterparties" => Icons.Material.Filled.Business,
        "persons" => Icons.Material.Filled.Person,
        "cases" => Icons.Material.Filled.Handshake,
        "complaints" => Icons.Material.Filled.ReportProblem,
        "tickets" => Icons.Material.Filled.SupportAgent,
        "documents" => Icons.Material.Filled.Description,
        "articles" => Icons.Material.Filled.MenuBook,
        "tasks" => Icons.Material.Filled.TaskAlt,
        _ => Icons.Material.Filled.Search,
    };

    public static string Label(string group) => "GlobalSearch_" + group;

    /// <summary>"12", or "200+" when more matched than were checked against the caller's rights.</summary>
    public static string Count(Crm.Platform.Search.GlobalSearchGroup group) =>
        group.Count.ToString(System.Globalization.CultureInfo.CurrentCulture) + (group.AtLeast ? "+" : "");
}
