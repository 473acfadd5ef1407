using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Fields;

public sealed record DictionaryEntryView(Guid Id, string Dictionary, string Value, int Order, bool Active);

/// <summary>
/// Editable dictionaries behind the segmentation fields (and dictionary-backed custom fields). A built-in
/// dictionary with no entries accepts any value; once an admin fills it, the counterparty's field must be one of them.
/// </summary>
public sealed class DictionaryService(CrmDbContext db)
{
    public const string Industry = "industry", Priority = "priority", Classification = "classification", Source = "source", Category = "category";

    public static readonly IReadOnlyList<string> BuiltIn = [Industry, Priority, Classification, Source, Category, Cases.CasePhases.PotentialDictionary, Cases.CasePhases.InProgressDictionary];

    public async Task<List<DictionaryEntryView>> ListAsync(string? dictionary, CancellationToken cancellationToken)
    {
        var query = db.Set<DictionaryEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(dictionary))
        {
            query = query.Where(d => d.Dictionary == dictionary);
        }

        return await query.OrderBy(d => d.Dictionary).ThenBy(d => d.Order).ThenBy(d => d.Value)
            .Select(d => new DictionaryEntryView(d.Id, d.Dictionary, d.Value, d.Order, d.Active)).ToListAsync(cancellationToken);
    }

    /// <summary>Every dictionary name in use (built-in ones always).</summary>
    public async Task<List<string>> NamesAsync(CancellationToken cancellationToken)
    {
        var used = await db.Set<DictionaryEntry>().Select(d => d.Dictionary).Distinct().ToListAsync(cancellationToken);
        return [.. BuiltIn.Concat(used.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    public async Task<Guid> AddAsync(string? dictionary, string? value, CurrentUser user, CancellationToken cancellationToken)
    {
        CustomFieldService.RequireAdmin(user);
        var name = dictionary?.Trim().ToLowerInvariant() ?? "";
        var text = value?.Trim() ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z][a-z0-9_]{0,59}$"))
        {
            throw ValidationFailedException.For("dictionary", "The dictionary name has only lower-case letters, digits and _.");
        }

        if (text.Length is 0 or > 100 || text.Contains(',', StringComparison.Ordinal))
        {
            throw ValidationFailedException.For("value", "Give the value (at most 100 characters, no commas).");
        }

        if (await db.Set<DictionaryEntry>().SingleOrDefaultAsync(d => d.Dictionary == name && d.Value == text, cancellationToken) is { } existing)
        {
            if (existing.Active)
            {
                throw ValidationFailedException.For("value", $"'{text}' is already in the dictionary.");
            }

            existing.Active = true;   // adding a deactivated value back revives it
            await db.SaveChangesAsync(cancellationToken);
            return existing.Id;
        }

        var order = await db.Set<DictionaryEntry>().Where(d => d.Dictionary == name).Select(d => (int?)d.Order).MaxAsync(cancellationToken) ?? 0;
        var entry = new DictionaryEntry { Dictionary = name, Value = text, Order = order + 1 };
        db.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return entry.Id;
    }

    /// <summary>Deactivated values stay on the records that have them but can no longer be chosen.</summary>
    public async Task SetActiveAsync(Guid id, bool active, CurrentUser user, CancellationToken cancellationToken)
    {
        CustomFieldService.RequireAdmin(user);
        var entry = await db.Set<DictionaryEntry>().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundException($"Entry {id} does not exist.");
        entry.Active = active;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Swaps the entry with its neighbour (up = -1, down = +1).</summary>
    public async Task MoveAsync(Guid id, int direction, CurrentUser user, CancellationToken cancellationToken)
    {
        CustomFieldService.RequireAdmin(user);
        var entry = await db.Set<DictionaryEntry>().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundException($"Entry {id} does not exist.");
        var siblings = await db.Set<DictionaryEntry>().Where(d => d.Dictionary == entry.Dictionary).OrderBy(d => d.Order).ThenBy(d => d.Value).ToListAsync(cancellationToken);
        var index = siblings.IndexOf(entry);
        var other = index + Math.Sign(direction);
        if (other < 0 || other >= siblings.Count)
        {
            return;
        }

        (siblings[index], siblings[other]) = (siblings[other], siblings[index]);
        for (var i = 0; i < siblings.Count; i++)
        {
            siblings[i].Order = i + 1;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
