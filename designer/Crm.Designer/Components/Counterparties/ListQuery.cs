using Crm.Modules.Counterparties.Fields;
using MudBlazor;

namespace Crm.Designer.Components.Counterparties;

/// <summary>What a CRM list page sends along: the table's sort, and an export link with the same search, filters and sort.</summary>
public static class ListQuery
{
    public static (string? Sort, bool Descending) Sort(TableState state) =>
        state.SortDirection == SortDirection.None || string.IsNullOrEmpty(state.SortLabel) ? (null, false) : (state.SortLabel, state.SortDirection == SortDirection.Descending);

    public static string ExportUrl(string path, string? search, IEnumerable<FieldFilter> filters, string? sort, bool descending, params (string Name, string? Value)[] more)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(search)) query.Add("search=" + Uri.EscapeDataString(search));
        query.AddRange(filters.Select(f => "filter=" + Uri.EscapeDataString(f.ToString())));
        if (sort is not null) query.Add("sort=" + Uri.EscapeDataString(sort) + (descending ? "&desc=true" : ""));
        query.AddRange(more.Where(m => !string.IsNullOrWhiteSpace(m.Value)).Select(m => m.Name + "=" + Uri.EscapeDataString(m.Value!)));
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }
}
