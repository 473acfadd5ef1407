using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>The columns each user chose for a list (counterparties, persons, cases), kept in <c>list_preferences</c>.</summary>
[ModuleContract]
public static class ListPreferences
{
    public static async Task<IReadOnlyList<string>?> ColumnsAsync(CrmDbContext db, CurrentUser user, string list, CancellationToken cancellationToken) =>
        await db.Set<ListPreference>().AsNoTracking().Where(p => p.UserName == user.UserName && p.ListKey == list)
            .Select(p => p.Columns).FirstOrDefaultAsync(cancellationToken) is { } saved ? saved.Split(',', StringSplitOptions.RemoveEmptyEntries) : null;

    public static async Task SaveAsync(CrmDbContext db, CurrentUser user, string list, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        var text = string.Join(',', columns);
        var preference = await db.Set<ListPreference>().SingleOrDefaultAsync(p => p.UserName == user.UserName && p.ListKey == list, cancellationToken);
        if (preference is null)
        {
            db.Add(new ListPreference { UserName = user.UserName, ListKey = list, Columns = text });
        }
        else
        {
            preference.Columns = text;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The requested columns of a list, each one the caller may see (unknown or hidden ones are refused by name).</summary>
    public static List<ListField> Resolve(IReadOnlyList<string>? columns, IReadOnlyList<string> defaults, IReadOnlyList<ListField> catalogue)
    {
        var keys = columns is { Count: > 0 } ? columns : defaults;
        var unknown = keys.Where(k => catalogue.All(f => f.Key != k)).ToList();
        return unknown.Count > 0
            ? throw ValidationFailedException.For("columns", $"Not a column you can see: {string.Join(", ", unknown)}.")
            : [.. keys.Distinct(StringComparer.Ordinal).Select(k => catalogue.First(f => f.Key == k))];
    }
}
