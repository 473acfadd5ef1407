using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>
/// The fields field rules can name: a counterparty's built-in fields (<see cref="CounterpartyFieldRights"/>), a person's
/// personal data, and the custom fields of counterparties, persons and cases. Complaints have none yet. Only fields
/// whose rules are enforced are offered.
/// </summary>
internal sealed class CrmAccessCatalogue(CrmDbContext db, CustomFieldService customFields, TimeProvider clock) : IAccessFieldCatalogue
{
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<AccessField>>> FieldsAsync(CancellationToken cancellationToken)
    {
        var custom = await db.Set<CustomFieldDefinition>().AsNoTracking().Where(f => !f.Archived).OrderBy(f => f.Order).ThenBy(f => f.Label)
            .Select(f => new { f.Entity, f.Key, f.Label, f.Sensitive }).ToListAsync(cancellationToken);
        List<AccessField> Custom(string entity) => [.. custom.Where(f => f.Entity == entity).Select(f => new AccessField("cf." + f.Key, f.Label, f.Sensitive))];
        return new Dictionary<string, IReadOnlyList<AccessField>>(StringComparer.Ordinal)
        {
            [AccessObjects.Counterparty] = [.. CounterpartyFieldRights.BuiltIn.Select(f => new AccessField(f.Key, f.Label, f.Sensitive)), .. Custom("counterparty")],
            [AccessObjects.Person] =
            [
                new AccessField(PersonCard.EmailField, "E-mail", false), new AccessField(PersonCard.PhoneField, "Phone", false),
                new AccessField(PersonCard.PersonalData, "Personal data (birthday, family, private contacts …)", true), .. Custom(PersonCard.PersonEntity),
            ],
            [AccessObjects.Case] = Custom(CaseBook.CaseEntity),
            [AccessObjects.Complaint] = [],
        };
    }

    public async Task<string?> CheckConditionsAsync(IReadOnlyList<string> conditions, CancellationToken cancellationToken)
    {
        try
        {
            var filters = conditions.Select(FieldFilter.Parse).ToList();
            var rule = CounterpartyFilters.AllOf(filters, await customFields.ContextAsync("counterparty", cancellationToken), db, clock.GetUtcNow());
            await db.Counterparties.AsNoTracking().Where(rule).Take(1).CountAsync(cancellationToken);   // SQL must accept it too
            return null;
        }
        catch (ValidationFailedException ex)
        {
            return string.Join(" ", ex.Errors.Values.SelectMany(m => m));
        }
    }
}
