using Crm.Platform.Access;
using System.Text.Json;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record PersonContactView(string Kind, string Value, string? Label, bool Private);

public sealed record PersonRef(Guid Id, string Name);

/// <summary>A person with everything the caller may read; personal data is null and <see cref="PersonalHidden"/> true for those not allowed it.</summary>
public sealed record PersonView(
    Guid Id, Guid? CounterpartyId, string? CounterpartyName, string FirstName, string LastName, string? Gender, string? Position, string? Department,
    Guid? SuperiorId, string? SuperiorName, string? Email, string? Phone, IReadOnlyList<string> Roles, string? Remarks, bool MarketingConsent,
    string? ConsentSource, DateTimeOffset? ConsentAt, IReadOnlyList<PersonContactView> Contacts, DateOnly? Birthday, string? NameDay, string? Anniversaries,
    string? Family, string? Hobbies, string? PrivateAddress, bool PersonalHidden, IReadOnlyList<PersonRef> Colleagues, int Revision)
{
    /// <summary>Values of the admin-defined person fields the caller may read, by key.</summary>
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

public sealed record PersonContactInput(string? Kind, string? Value, string? Label, bool Private = false);

/// <summary>
/// The whole editable person (a form sends it back complete). Personal data (birthday, name day, anniversaries, family,
/// hobbies, private address, private contacts) is written only by those allowed sensitive fields; from others it must
/// be left empty and is kept as stored.
/// </summary>
public sealed record UpdatePersonRequest(
    int Revision, string? FirstName, string? LastName, string? Gender = null, string? Position = null, string? Department = null, Guid? SuperiorId = null,
    string? Email = null, string? Phone = null, IReadOnlyList<string>? Roles = null, string? Remarks = null, bool MarketingConsent = false, string? ConsentSource = null,
    IReadOnlyList<PersonContactInput>? Contacts = null, DateOnly? Birthday = null, string? NameDay = null, string? Anniversaries = null, string? Family = null,
    string? Hobbies = null, string? PrivateAddress = null, IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>The person page: read with field-level rules, edit with a revision check, superiors within the company without loops.</summary>
public sealed class PersonCard(CrmDbContext db, CounterpartyAccess recordAccess, CustomFieldService customFields, TimeProvider clock, IEnumerable<IPersonConsentChanges> consentLedgers)
{
    /// <summary>The field rules' name for birthday, name day, anniversaries, family, hobbies, private address and private contacts (sensitive).</summary>
    public const string PersonalData = "personal";

    /// <summary>The field rules' names for a person's business e-mail and phone (ordinary fields, readable unless a rule hides them).</summary>
    public const string EmailField = "email", PhoneField = "phone";

    public static readonly IReadOnlyList<string> Genders = ["female", "male"];

    /// <summary>The entity name of admin-defined person fields (<see cref="CustomFieldService.Entities"/>).</summary>
    public const string PersonEntity = "person";

    public async Task<PersonView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var person = await PersonAccess.Visible(db, recordAccess, user).AsNoTracking().Include(p => p.Contacts).SingleOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Person {id} does not exist.");
        var gate = recordAccess.Fields(user, AccessObjects.Person);
        var personal = gate.CanRead(PersonalData, sensitive: true);
        var company = person.CounterpartyId is { } cid ? await db.Counterparties.Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var context = await customFields.ContextAsync(PersonEntity, cancellationToken);
        var values = await customFields.ValuesAsync(context, [id], gate, cancellationToken);
        var colleagues = person.CounterpartyId is { } companyId
            ? await db.Persons.AsNoTracking().Where(p => p.CounterpartyId == companyId && p.Id != id).OrderBy(p => p.LastName).ThenBy(p => p.FirstName)
                .Select(p => new PersonRef(p.Id, p.FirstName + " " + p.LastName)).ToListAsync(cancellationToken)
            : [];
        return new PersonView(person.Id, person.CounterpartyId, company, person.FirstName, person.LastName, person.Gender, person.Position, person.Department,
            person.SuperiorId, colleagues.FirstOrDefault(c => c.Id == person.SuperiorId)?.Name,
            gate.CanRead(EmailField, sensitive: false) ? person.Email : null, gate.CanRead(PhoneField, sensitive: false) ? person.Phone : null, SplitRoles(person.Roles), person.Remarks,
            person.MarketingConsent, person.ConsentSource, person.ConsentAt,
            [.. person.Contacts.Where(c => personal || !c.Private).OrderBy(c => c.Private).ThenBy(c => c.Kind).Select(c => new PersonContactView(c.Kind, c.Value, c.Label, c.Private))],
            personal ? person.Birthday : null, personal ? person.NameDay : null, personal ? person.Anniversaries : null, personal ? person.Family : null,
            personal ? person.Hobbies : null, personal ? person.PrivateAddress : null, !personal, colleagues, person.Revision)
        {
            CustomFields = values.GetValueOrDefault(id) ?? [],
        };
    }

    public async Task UpdateAsync(Guid id, UpdatePersonRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == id, cancellationToken);
        var person = visible ? await db.Persons.Include(p => p.Contacts).SingleAsync(p => p.Id == id, cancellationToken) : throw new NotFoundException($"Person {id} does not exist.");
        if (person.Revision != request.Revision)
        {
            throw new ConflictException("Someone changed this person after you opened them; reload to see their change.");
        }

        recordAccess.Require(user, AccessObjects.Person, AccessRights.Edit);
        var gate = recordAccess.Fields(user, AccessObjects.Person);
        var personal = gate.CanWrite(PersonalData, sensitive: true);
        var errors = await ValidateAsync(person, request, personal, cancellationToken);
        var context = await customFields.ContextAsync(PersonEntity, cancellationToken);
        var values = CustomFieldService.Validate(context, request.CustomFields, gate, (field, message) =>
        {
            if (message is not null) errors[field] = [message];
        }, partial: true);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        person.FirstName = request.FirstName!.Trim();
        person.LastName = request.LastName!.Trim();
        person.Gender = Clean(request.Gender)?.ToLowerInvariant();
        person.Position = Clean(request.Position);
        person.Department = Clean(request.Department);
        person.SuperiorId = request.SuperiorId;
        // A field the caller may not change (or not even see, so the form sent it empty) keeps its value.
        if (gate.CanWrite(EmailField, sensitive: false))
        {
            person.Email = Clean(request.Email);
        }

        if (gate.CanWrite(PhoneField, sensitive: false))
        {
            person.Phone = Clean(request.Phone);
        }
        person.Roles = request.Roles is { Count: > 0 } roles ? string.Join(",", roles.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)) : null;
        person.Remarks = Clean(request.Remarks);
        if (request.MarketingConsent && !person.MarketingConsent)
        {
            person.ConsentAt = clock.GetUtcNow();   // GDPR: when the consent was given
        }

        if (request.MarketingConsent != person.MarketingConsent)
        {
            foreach (var ledger in consentLedgers)
            {
                ledger.Changed(db, person, request.MarketingConsent, Clean(request.ConsentSource), user.UserName, clock.GetUtcNow());
            }
        }

        (person.MarketingConsent, person.ConsentSource) = (request.MarketingConsent, request.MarketingConsent ? Clean(request.ConsentSource) : null);
        person.ConsentAt = request.MarketingConsent ? person.ConsentAt : null;
        var contacts = (request.Contacts ?? []).Where(c => !string.IsNullOrWhiteSpace(c.Value) && (personal || !c.Private)).Select(c => new PersonContact
        {
            PersonId = id, Kind = c.Kind!.Trim().ToLowerInvariant(), Value = c.Value!.Trim(), Label = Clean(c.Label), Private = c.Private,
        }).ToList();
        if (personal)
        {
            (person.Birthday, person.NameDay, person.Anniversaries, person.Family, person.Hobbies, person.PrivateAddress) =
                (request.Birthday, Clean(request.NameDay), Clean(request.Anniversaries), Clean(request.Family), Clean(request.Hobbies), Clean(request.PrivateAddress));
            db.RemoveRange(person.Contacts);
        }
        else
        {
            db.RemoveRange(person.Contacts.Where(c => !c.Private));   // private ones were not shown, so they stay
        }

        db.AddRange(contacts);
        if (request.CustomFields is { Count: > 0 } given)
        {
            await customFields.StoreAsync(id, [.. context.Fields.Where(f => given.ContainsKey(f.Key)).Select(f => f.Id)], values, cancellationToken);
        }

        person.Revision++;
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<Dictionary<string, string[]>> ValidateAsync(ContactPerson person, UpdatePersonRequest request, bool personal, CancellationToken cancellationToken)
    {
        var errors = CrmActivityService.ValidatePerson(new CreatePersonRequest(person.CounterpartyId, request.FirstName, request.LastName, request.Position, request.Department,
            request.Email, request.Phone, null, request.MarketingConsent, request.ConsentSource));
        if (Clean(request.Gender) is { } gender && !Genders.Contains(gender.ToLowerInvariant())) errors["gender"] = ["Use female or male, or leave it empty."];
        if (request.Roles?.Any(r => r.Length > 50 || r.Contains(',', StringComparison.Ordinal)) == true) errors["roles"] = ["Each role has at most 50 characters and no commas."];
        if (request.Remarks is { Length: > 4000 }) errors["remarks"] = ["At most 4 000 characters."];
        for (var i = 0; i < (request.Contacts?.Count ?? 0); i++)
        {
            var contact = request.Contacts![i];
            if (string.IsNullOrWhiteSpace(contact.Value)) continue;
            var value = contact.Value.Trim();
            var problem = contact.Kind?.Trim().ToLowerInvariant() switch
            {
                "email" => value.Length > 320 || !System.Net.Mail.MailAddress.TryCreate(value, out _) ? "This is not an e-mail address." : null,
                "phone" => value.Length > 50 || !value.Any(char.IsAsciiDigit) ? "A phone number has digits (at most 50 characters)." : null,
                _ => "The kind is email or phone.",
            };
            if (problem is not null) errors[$"contacts[{i}]"] = [problem];
            else if (contact.Private && !personal && !person.Contacts.Any(c => c.Private && c.Value == value))
            {
                errors[$"contacts[{i}]"] = ["Private contacts are personal data: you may not set them."];
            }
        }

        // Those who may read but not write personal data get it back from the form unchanged: only a change is refused.
        // (Empty is what a form sends for data it did not show: not a change either.)
        static bool Differs(string? given, string? stored) => Clean(given) is { } value && value != stored;
        var personalChanged = (request.Birthday is { } birthday && birthday != person.Birthday) || Differs(request.NameDay, person.NameDay)
            || Differs(request.Anniversaries, person.Anniversaries) || Differs(request.Family, person.Family) || Differs(request.Hobbies, person.Hobbies)
            || Differs(request.PrivateAddress, person.PrivateAddress);
        if (personalChanged && !personal)
        {
            errors["personal"] = ["Birthday, name day, anniversaries, family, hobbies and the private address are personal data: you may not set them."];
        }

        if (Clean(request.NameDay) is { } nameDay && !DateOnly.TryParseExact("2000-" + nameDay, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            errors["nameDay"] = ["Write the name day as MM-dd, e.g. 03-19."];
        }

        if (request.SuperiorId is { } superiorId && await SuperiorProblemAsync(person, superiorId, cancellationToken) is { } superiorProblem)
        {
            errors["superiorId"] = [superiorProblem];
        }

        return errors;
    }

    /// <summary>A superior works in the same company and is not the person or anyone below them.</summary>
    private async Task<string?> SuperiorProblemAsync(ContactPerson person, Guid superiorId, CancellationToken cancellationToken)
    {
        if (superiorId == person.Id)
        {
            return "A person cannot be their own superior.";
        }

        var chain = await db.Persons.AsNoTracking().Where(p => p.CounterpartyId == person.CounterpartyId && person.CounterpartyId != null)
            .Select(p => new { p.Id, p.SuperiorId }).ToDictionaryAsync(p => p.Id, p => p.SuperiorId, cancellationToken);
        if (!chain.ContainsKey(superiorId))
        {
            return "The superior must be a person of the same company.";
        }

        var steps = 0;
        for (Guid? step = superiorId; step is { } current && steps++ <= chain.Count; step = chain.GetValueOrDefault(current))
        {
            if (current == person.Id)
            {
                return "That person reports to this one already (the chain would be a loop).";
            }
        }

        return null;
    }

    private static string[] SplitRoles(string? roles) => roles is null ? [] : roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
