using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record CreatePersonRequest(Guid? CounterpartyId, string? FirstName, string? LastName, string? Position, string? Department, string? Email, string? Phone,
    DateOnly? Birthday, bool MarketingConsent = false, string? ConsentSource = null);

public sealed record CreateActivityRequest(Guid CounterpartyId, string? Type, string? Direction, DateTimeOffset? At, int? DurationMinutes, string? Subject, string? Description,
    string? Status, Guid? PersonId, Guid? CaseId, Guid? PreviousActivityId, string? Employee, IReadOnlyList<Guid>? DocumentIds = null);

[ModuleContract]
public sealed record TimelineItem(DateTimeOffset At, string Kind, string Title, string? Detail, string? Who, Guid Id, bool Overdue, string? Link = null)
{
    /// <summary>For an activity: the documents attached to it that the caller may read.</summary>
    public IReadOnlyList<LinkedDocument> Documents { get; init; } = [];

    /// <summary>
    /// The code behind <see cref="Title"/> or <see cref="Detail"/> (a case event such as "phase", a complaint or ticket
    /// step, a task status) and its raw text (the phase key, the step's text): the English sentence is for the API, a
    /// page says it in its own language from these.
    /// </summary>
    public string? Event { get; init; }

    public string? EventText { get; init; }
}

/// <summary>Persons, activities (contacts) and notes around counterparties; every write checks the counterparty is visible.</summary>
public sealed class CrmActivityService(CrmDbContext db, CounterpartyAccess recordAccess, ActivityDocuments documents, TimeProvider clock, IEnumerable<ICounterpartyTimelineSource> sources,
    IEnumerable<IPersonConsentChanges> consentLedgers)
{
    /// <summary>Every field error of a person (empty when it may be created), without touching the database.</summary>
    public static Dictionary<string, string[]> ValidatePerson(CreatePersonRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.FirstName) || request.FirstName.Length > 100) errors["firstName"] = ["Give the first name (at most 100 characters)."];
        if (string.IsNullOrWhiteSpace(request.LastName) || request.LastName.Length > 100) errors["lastName"] = ["Give the last name (at most 100 characters)."];
        if (!string.IsNullOrWhiteSpace(request.Email) && (request.Email.Length > 320 || !System.Net.Mail.MailAddress.TryCreate(request.Email.Trim(), out _))) errors["email"] = ["This is not an e-mail address."];
        if (request.Phone is { Length: > 50 }) errors["phone"] = ["At most 50 characters."];
        if (request.Position is { Length: > 100 }) errors["position"] = ["At most 100 characters."];
        if (request.Department is { Length: > 100 }) errors["department"] = ["At most 100 characters."];
        if (request.MarketingConsent && string.IsNullOrWhiteSpace(request.ConsentSource)) errors["consentSource"] = ["Record where the marketing consent came from (GDPR)."];
        return errors;
    }

    public async Task<Guid> CreatePersonAsync(CreatePersonRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Person, AccessRights.Create);
        var errors = ValidatePerson(request);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (request.CounterpartyId is { } counterpartyId)
        {
            await RequireVisibleAsync(counterpartyId, user, cancellationToken);
        }

        var person = new ContactPerson
        {
            CounterpartyId = request.CounterpartyId, FirstName = request.FirstName!.Trim(), LastName = request.LastName!.Trim(), Position = request.Position, Department = request.Department,
            Email = request.Email?.Trim(), Phone = request.Phone?.Trim(), Birthday = request.Birthday, MarketingConsent = request.MarketingConsent,
            ConsentSource = request.MarketingConsent ? request.ConsentSource : null, ConsentAt = request.MarketingConsent ? clock.GetUtcNow() : null,
            CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.Persons.Add(person);
        if (person.MarketingConsent)
        {
            foreach (var ledger in consentLedgers)
            {
                ledger.Changed(db, person, true, person.ConsentSource, user.UserName, person.ConsentAt!.Value);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return person.Id;
    }

    public async Task<Guid> CreateActivityAsync(CreateActivityRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Subject)) errors["subject"] = ["Give the subject."];
        if (!Enum.TryParse<ActivityType>(request.Type ?? "call", true, out var type) || !Enum.IsDefined(type)) errors["type"] = ["Use call, email, meeting, letter, sms, visit or other."];
        if (!Enum.TryParse<ActivityStatus>(request.Status ?? "done", true, out var status) || !Enum.IsDefined(status)) errors["status"] = ["Use planned, done or cancelled."];
        if (request.Direction is not (null or "in" or "out")) errors["direction"] = ["Use in or out."];
        if (request.DurationMinutes is < 0 or > 24 * 60) errors["durationMinutes"] = ["0 to 1440 minutes."];
        if (request.DocumentIds is { Count: > 20 }) errors["documentIds"] = ["Attach at most 20 documents at once."];
        // Recording a contact for someone else (another employee) is for managers; the employee must be a user.
        if (request.Employee is { } employee && employee != user.UserName)
        {
            if (!user.IsProcessOwner) errors["employee"] = ["Only managers record contacts for another employee."];
            else if (!await db.Users.AnyAsync(u => u.UserName == employee && u.IsActive, cancellationToken)) errors["employee"] = [$"There is no active user '{employee}'."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        await RequireVisibleAsync(request.CounterpartyId, user, cancellationToken);
        await RequireVisibleLinksAsync(request.PersonId, request.CaseId, user, cancellationToken);
        if (request.PreviousActivityId is { } previousId && !await db.Activities.AnyAsync(a => a.Id == previousId && a.CounterpartyId == request.CounterpartyId, cancellationToken))
        {
            throw ValidationFailedException.For("previousActivityId", "A follow-up continues an activity with the same counterparty.");
        }

        var documentIds = request.DocumentIds?.Distinct().ToList() ?? [];
        await documents.RequireReadableAsync(documentIds, user, cancellationToken);

        var activity = new Activity
        {
            Type = type, Direction = request.Direction ?? "out", At = request.At ?? clock.GetUtcNow(), DurationMinutes = request.DurationMinutes ?? 0,
            Employee = request.Employee ?? user.UserName, CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, CaseId = request.CaseId,
            Subject = request.Subject!.Trim(), Description = request.Description, Status = status, PreviousActivityId = request.PreviousActivityId,
        };
        db.Activities.Add(activity);
        db.AddRange(documentIds.Select(d => new ActivityDocument { ActivityId = activity.Id, DocumentId = d, LinkedBy = user.UserName, LinkedAt = clock.GetUtcNow() }));
        await db.SaveChangesAsync(cancellationToken);
        return activity.Id;
    }

    /// <summary>Everything around a counterparty (or a case) in one list, newest first; planned activities in the past are overdue.</summary>
    public async Task<List<TimelineItem>> TimelineAsync(Guid? counterpartyId, Guid? caseId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (counterpartyId is { } id)
        {
            await RequireVisibleAsync(id, user, cancellationToken);
        }

        var now = clock.GetUtcNow();
        var activities = await db.Activities.AsNoTracking().Where(a => (counterpartyId != null && a.CounterpartyId == counterpartyId) || (caseId != null && a.CaseId == caseId))
            .OrderByDescending(a => a.At).Take(200).ToListAsync(cancellationToken);
        var notes = await db.Notes.AsNoTracking().Where(n => (counterpartyId != null && n.CounterpartyId == counterpartyId) || (caseId != null && n.CaseId == caseId))
            .OrderByDescending(n => n.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var attached = await documents.OfAsync([.. activities.Select(a => a.Id)], user, cancellationToken);
        var others = new List<TimelineItem>();
        if (counterpartyId is { } company)
        {
            foreach (var source in sources)
            {
                others.AddRange(await source.TimelineAsync(company, user, 200, cancellationToken));
            }
        }

        return [.. activities.Select(a => ItemOf(a, now, attached)).Concat(notes.Select(NoteBook.TimelineItemOf)).Concat(others).OrderByDescending(t => t.At)];
    }

    /// <summary>An activity in a timeline, with its documents; a planned one in the past is overdue.</summary>
    internal static TimelineItem ItemOf(Activity activity, DateTimeOffset now, Dictionary<Guid, List<LinkedDocument>> documents) =>
        new(activity.At, activity.Type.ToString(), activity.Subject, activity.Description, activity.Employee, activity.Id, activity.Status == ActivityStatus.Planned && activity.At < now)
        {
            Documents = documents.GetValueOrDefault(activity.Id) ?? [],
        };

    public async Task<List<ContactPerson>> PersonsAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        await RequireVisibleAsync(counterpartyId, user, cancellationToken);
        if (!recordAccess.Can(user, AccessObjects.Person, AccessRights.Read))
        {
            return [];
        }

        var persons = await db.Persons.AsNoTracking().Where(p => p.CounterpartyId == counterpartyId).OrderBy(p => p.LastName).ToListAsync(cancellationToken);
        var gate = recordAccess.Fields(user, AccessObjects.Person);
        if (!gate.CanRead(PersonCard.PersonalData, sensitive: true))
        {
            // Personal data: field-level.
            persons.ForEach(p => (p.Birthday, p.NameDay, p.Anniversaries, p.Family, p.Hobbies, p.PrivateAddress) = (null, null, null, null, null, null));
        }

        // E-mail and phone: field rules may hide them (the entities are not tracked, nothing is saved).
        if (!gate.CanRead(PersonCard.EmailField, sensitive: false))
        {
            persons.ForEach(p => p.Email = null);
        }

        if (!gate.CanRead(PersonCard.PhoneField, sensitive: false))
        {
            persons.ForEach(p => p.Phone = null);
        }

        return persons;
    }

    /// <summary>A note or activity may name only a person and a case the writer can see (else it would reveal that they exist).</summary>
    private async Task RequireVisibleLinksAsync(Guid? personId, Guid? caseId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (personId is { } pid && !await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == pid, cancellationToken))
        {
            throw new NotFoundException($"Person {pid} does not exist.");
        }

        if (caseId is { } cid && !await Cases.CaseAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == cid, cancellationToken))
        {
            throw new NotFoundException($"Case {cid} does not exist.");
        }
    }

    private async Task RequireVisibleAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == counterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }
    }
}
