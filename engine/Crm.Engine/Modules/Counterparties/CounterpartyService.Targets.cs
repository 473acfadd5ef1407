using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>A company picked for a target list, with its contact persons that have an e-mail address.</summary>
[ModuleContract]
public sealed record TargetCompany(Guid CounterpartyId, IReadOnlyList<Guid> PersonsWithEmail);

/// <summary>Target lists: what a campaign selects with the list's own search, category and filters, under the caller's rights.</summary>
[ModuleContract]
public sealed partial class CounterpartyService
{
    /// <summary>The visible counterparties the list would show for this search, category and filters (archived ones left out), at most <paramref name="cap"/> + 1.</summary>
    public async Task<List<TargetCompany>> SelectTargetsAsync(string? search, string? category, IReadOnlyList<FieldFilter> filters, int cap, CurrentUser user, CancellationToken cancellationToken)
    {
        var context = filters.Count > 0 ? await FieldContextAsync(cancellationToken) : FieldContext.Empty;
        var ids = await Union(Filtered(search, category, filters, context, user)).Select(c => c.Id).Distinct().Take(cap + 1).ToListAsync(cancellationToken);
        var persons = new Dictionary<Guid, List<Guid>>();
        foreach (var chunk in ids.Chunk(1000))
        {
            foreach (var p in await db.Persons.AsNoTracking().Where(p => p.CounterpartyId != null && chunk.Contains(p.CounterpartyId.Value) && p.Email != null && p.Email != "")
                         .OrderBy(p => p.LastName).ThenBy(p => p.Id).Select(p => new { p.Id, p.CounterpartyId }).ToListAsync(cancellationToken))
            {
                (persons.TryGetValue(p.CounterpartyId!.Value, out var list) ? list : persons[p.CounterpartyId.Value] = []).Add(p.Id);
            }
        }

        return [.. ids.Select(id => new TargetCompany(id, persons.GetValueOrDefault(id) ?? []))];
    }
}
