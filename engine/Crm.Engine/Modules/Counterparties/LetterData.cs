using System.Globalization;
using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>
/// The CRM's values for a letter or mail from a template: <c>counterparty.*</c>, <c>person.*</c>, <c>case.*</c>, each
/// field only when the user may read it (the field rules of Administration › Permissions), the records only when the
/// user sees them (404 otherwise). Without a user (a process step run by the job executor) the records must exist
/// and fields marked sensitive stay empty.
/// </summary>
[ModuleContract]
public sealed class LetterData(CrmDbContext db, CounterpartyAccess recordAccess, Correspondents correspondents)
{
    public async Task<Dictionary<string, string?>> ForAsync(MailFilingTarget target, CurrentUser? user, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            await correspondents.RequireExistsAsync(target, cancellationToken);
        }
        else
        {
            await correspondents.RequireVisibleAsync(target, user, cancellationToken);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var company = await db.Counterparties.AsNoTracking().Include(c => c.Addresses).SingleAsync(c => c.Id == target.CounterpartyId, cancellationToken);
        var fields = user is null ? null : recordAccess.Fields(user);
        bool Reads(string field) => fields?.CanRead(field, sensitive: false) ?? true;
        values["counterparty.name"] = company.Name;
        values["counterparty.shortName"] = Reads("shortName") ? company.ShortName ?? company.Name : null;
        values["counterparty.nip"] = Reads("nip") ? company.Nip : null;
        values["counterparty.regon"] = Reads("regon") ? company.Regon : null;
        values["counterparty.owner"] = Reads("owner") ? company.Owner : null;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var address = company.Addresses.Where(a => a.ValidFrom <= today && (a.ValidTo is null || a.ValidTo >= today))
            .OrderBy(a => a.Kind == AddressKind.Correspondence ? 0 : a.Kind == AddressKind.Registered ? 1 : 2).FirstOrDefault();
        if (address is not null)
        {
            values["counterparty.street"] = address.Street;
            values["counterparty.postalCode"] = address.PostalCode;
            values["counterparty.city"] = address.City;
            values["counterparty.address"] = $"{address.Street}\n{address.PostalCode} {address.City}";
        }

        if (target.PersonId is { } personId)
        {
            var person = await db.Persons.AsNoTracking().SingleAsync(p => p.Id == personId, cancellationToken);
            values["person.firstName"] = person.FirstName;
            values["person.lastName"] = person.LastName;
            values["person.name"] = $"{person.FirstName} {person.LastName}";
            values["person.position"] = person.Position;
            values["person.email"] = person.Email;
            values["person.phone"] = person.Phone;
            // The Polish letter opening follows the person's gender; without it the neutral form.
            values["person.salutation"] = person.Gender switch
            {
                "female" => $"Szanowna Pani {person.LastName}",
                "male" => $"Szanowny Panie {person.LastName}",
                _ => "Szanowni Państwo",
            };
        }
        else
        {
            values["person.salutation"] = "Szanowni Państwo";
        }

        if (target.CaseId is { } caseId)
        {
            var item = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            values["case.title"] = item.Title;
            values["case.phase"] = item.Phase;
            values["case.owner"] = item.Owner;
            values["case.value"] = item.Value.ToString("0.00", CultureInfo.InvariantCulture);
            values["case.currency"] = item.Currency;
        }

        return values;
    }

    /// <summary>The companies (with their first person holding an e-mail) the user sees among these ids: a mail merge's recipients.</summary>
    public async Task<List<(Guid CounterpartyId, Guid? PersonId, string? Email)>> RecipientsAsync(IReadOnlyCollection<Guid> counterpartyIds, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = await correspondents.VisibleOfAsync(counterpartyIds, user, cancellationToken);
        var persons = await PersonAccess.Visible(db, recordAccess, user).Where(p => p.CounterpartyId != null && visible.Contains(p.CounterpartyId.Value) && p.Email != null)
            .OrderBy(p => p.LastName).Select(p => new { p.Id, p.CounterpartyId, p.Email }).ToListAsync(cancellationToken);
        return [.. counterpartyIds.Where(visible.Contains).Distinct().Select(id => persons.FirstOrDefault(p => p.CounterpartyId == id) is { } p ? (id, (Guid?)p.Id, p.Email) : (id, null, (string?)null))];
    }
}
