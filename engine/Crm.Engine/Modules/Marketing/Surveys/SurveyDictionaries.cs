using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>The CRM dictionaries (industry, category …) a choice question may take its answers from. Surveys own this contract.</summary>
[ModuleContract]
public interface ISurveyDictionaries
{
    Task<IReadOnlyList<string>> NamesAsync(CancellationToken ct);

    /// <summary>The active values of one dictionary, in their order.</summary>
    Task<IReadOnlyList<string>> ValuesAsync(string dictionary, CancellationToken ct);
}

/// <summary>
/// Reads the counterparties module's dictionary table directly: its dictionary service is no module contract. The
/// counterparties module may implement <see cref="ISurveyDictionaries"/> itself; this default then steps aside.
/// </summary>
internal sealed class SurveyDictionariesFromTable(CrmDbContext db) : ISurveyDictionaries
{
    /// <summary>The built-in dictionaries, which exist even while empty.</summary>
    private static readonly string[] BuiltIn = ["industry", "priority", "classification", "source", "category"];

    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken ct)
    {
        var used = await db.Database.SqlQueryRaw<string>("""SELECT DISTINCT "Dictionary" AS "Value" FROM dictionary_entries""").ToListAsync(ct);
        return [.. BuiltIn.Concat(used.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<string>> ValuesAsync(string dictionary, CancellationToken ct) =>
        await db.Database.SqlQuery<string>($"""SELECT "Value" FROM dictionary_entries WHERE "Dictionary" = {dictionary} AND "Active" ORDER BY "Order", "Value" """)
            .ToListAsync(ct);
}
