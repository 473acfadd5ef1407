using System.Text.Json;
using Crm.Platform.Audit;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Gdpr;

public sealed record ErasureRequestInput(string? Reason);

public sealed record ErasureDocument(Guid Id, string Title);

public sealed record ErasureView(Guid Id, Guid PersonId, string PersonLabel, string Reason, string RequestedBy, DateTimeOffset RequestedAt, string Status,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote, string? DocumentsDecision, IReadOnlyList<ErasureDocument> Documents, Guid? InstanceId,
    string? CertificateDigest);

/// <summary>The certificate of erasure: what was cleared, what was kept and why, who asked and who approved.</summary>
public sealed record ErasureCertificate(Guid Request, string Person, string Reason, string RequestedBy, DateTimeOffset RequestedAt, string ApprovedBy,
    DateTimeOffset ErasedAt, IReadOnlyList<string> Cleared, int ContactsRemoved, int CustomValuesRemoved, int NotesBlanked, int AuditRowsPseudonymised,
    int AuditRowsKeptFromBefore, IReadOnlyList<ErasureDocument> Documents, string DocumentsDecision, IReadOnlyDictionary<string, int> RecordsKept,
    IReadOnlyDictionary<string, int>? RowsBlankedElsewhere = null);

/// <summary>
/// GDPR (RODO art. 17) erasure of a person, through the four-eyes process <c>gdpr-erasure</c>: an admin or compliance
/// officer asks with a reason; a second person of the approvers' group approves or rejects (never the one who asked);
/// on approval the personal fields are cleared, private contacts and custom values removed, notes about the person
/// blanked, the audit rows about them pseudonymised (the chain still verifies), and a certificate written. Records
/// that must stay (activities, cases, complaints, tickets, documents) keep pointing at the now anonymous person.
/// </summary>
public sealed class PersonErasure(CrmDbContext db, CounterpartyAccess recordAccess, ProcessEngine engine, IErasureProcess process, TimeProvider clock,
    IEnumerable<IPersonDataSource> sources, IEnumerable<IPersonErasureStep> steps)
{
    public static readonly IReadOnlyList<string> ClearedFields =
    [
        "first and last name", "position", "department", "e-mail", "phone", "gender", "roles", "remarks", "birthday", "name day", "anniversaries",
        "family", "hobbies", "private address", "marketing consent and its source", "superior",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ErasureView> RequestAsync(Guid personId, ErasureRequestInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOfficer(user);
        if (!await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == personId, cancellationToken))
        {
            throw new NotFoundException($"Person {personId} does not exist.");
        }

        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 2000)
        {
            throw ValidationFailedException.For("reason", "Say why the person is to be erased (the request, its date and channel; at most 2000 characters).");
        }

        if (await db.Set<ErasureRequest>().AnyAsync(r => r.PersonId == personId && r.Status != ErasureStatus.Rejected, cancellationToken))
        {
            throw new ConflictException("This person is already erased or awaiting approval of an erasure.");
        }

        var documents = await DocumentsAboutAsync(personId, cancellationToken);
        var request = new ErasureRequest
        {
            PersonId = personId, PersonLabel = Pseudonym(personId), Reason = reason, RequestedBy = user.UserName, RequestedAt = clock.GetUtcNow(),
            Status = ErasureStatus.AwaitingApproval, Documents = JsonSerializer.Serialize(documents, Json),
        };
        await engine.ExecuteAsync(async unit =>
        {
            db.Add(request);
            request.InstanceId = await process.StartAsync(unit, request, [.. documents.Select(d => d.Title)], cancellationToken);
            return request.Id;
        }, cancellationToken);
        return View(request);
    }

    public async Task<List<ErasureView>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOfficer(user);
        var rows = await db.Set<ErasureRequest>().AsNoTracking().OrderByDescending(r => r.RequestedAt).Take(500).ToListAsync(cancellationToken);
        return [.. rows.Select(View)];
    }

    public async Task<ErasureView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOfficer(user);
        return await db.Set<ErasureRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) is { } request ? View(request)
            : throw new NotFoundException($"Erasure request {id} does not exist.");
    }

    /// <summary>The person's erasure request, if any (the person page shows it); null for those who may not see it.</summary>
    public async Task<ErasureView?> ForPersonAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken) =>
        !user.IsAdmin && !user.Roles.Contains(Roles.Compliance) ? null
            : await db.Set<ErasureRequest>().AsNoTracking().Where(r => r.PersonId == personId).OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(cancellationToken)
                is { } request ? View(request) : null;

    public async Task<(ErasureView Request, ErasureCertificate Certificate)> CertificateAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOfficer(user);
        var request = await db.Set<ErasureRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Erasure request {id} does not exist.");
        return request.Certificate is { } json
            ? (View(request), JsonSerializer.Deserialize<ErasureCertificate>(json, Json)!)
            : throw new ConflictException("The erasure has not been carried out, so there is no certificate yet.");
    }

    /// <summary>
    /// The approver said yes (called by the request's own process instance, in its engine command): erase, pseudonymise,
    /// certify. Nothing is saved here: the engine's one commit saves the erasure with the process step, or neither.
    /// </summary>
    public async Task<ErasureCertificate> EraseAsync(Guid requestId, Guid instanceId, string approvedBy, string? note, string? documentsDecision, CancellationToken cancellationToken)
    {
        var request = await RequireDecidableAsync(requestId, instanceId, approvedBy, cancellationToken);

        var person = await db.Persons.Include(p => p.Contacts).SingleAsync(p => p.Id == request.PersonId, cancellationToken);
        (person.FirstName, person.LastName) = ("Erased", "person " + request.PersonLabel[^8..]);
        (person.Position, person.Department, person.Email, person.Phone, person.Gender, person.Roles, person.Remarks) = (null, null, null, null, null, null, null);
        (person.Birthday, person.NameDay, person.Anniversaries, person.Family, person.Hobbies, person.PrivateAddress) = (null, null, null, null, null, null);
        (person.MarketingConsent, person.ConsentSource, person.ConsentAt, person.SuperiorId) = (false, null, null, null);
        person.Revision++;
        var contacts = person.Contacts.Count;
        db.RemoveRange(person.Contacts);
        var values = await db.Set<Fields.CustomFieldValue>().Where(v => v.EntityId == person.Id).ToListAsync(cancellationToken);
        db.RemoveRange(values);
        var notes = await db.Notes.Where(n => n.PersonId == person.Id).ToListAsync(cancellationToken);
        notes.ForEach(n => n.Text = $"[Erased under GDPR request {request.Id}]");
        var now = clock.GetUtcNow();
        (request.Status, request.DecidedBy, request.DecidedAt, request.DecisionNote, request.DocumentsDecision) =
            (ErasureStatus.Erased, approvedBy, now, note, documentsDecision ?? "keep");

        // Stored rows about her are blanked; the rows this very change writes (names before and after) are written blanked.
        var subject = request.Id.ToString();
        var audit = await AuditRedaction.PseudonymiseAsync(db, person.Id.ToString(), subject, cancellationToken);
        var kept = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["activities"] = await db.Activities.CountAsync(a => a.PersonId == person.Id, cancellationToken),
            ["cases"] = await db.Cases.CountAsync(c => c.PersonId == person.Id, cancellationToken),
        };
        foreach (var source in sources)
        {
            kept[source.Name] = (await source.CollectAsync(person.Id, cancellationToken)).Count;
        }

        // Other modules' copies of the person's data (mailing addresses, consent evidence) are blanked in the same commit.
        var blanked = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            blanked[step.Name] = await step.EraseAsync(person.Id, cancellationToken);
        }

        var certificate = new ErasureCertificate(request.Id, request.PersonLabel, request.Reason, request.RequestedBy, request.RequestedAt, approvedBy, now,
            ClearedFields, contacts, values.Count, notes.Count, audit.Blanked.Count, audit.KeptFromBefore, Documents(request), request.DocumentsDecision!, kept, blanked);
        request.Certificate = JsonSerializer.Serialize(certificate, Json);
        request.CertificateDigest = AuditEntry.Digest(request.Certificate);
        // Its row names whom it erased (an id): the rows this unit of work writes about them are written pseudonymised.
        db.AuditLog.Add(Audited.Row(approvedBy, AuditEntry.ErasureAction, "erasure", subject, now, null, new
        {
            subject = person.Id.ToString(), person = request.PersonLabel, requestedBy = request.RequestedBy, approvedBy, blankedRows = audit.Blanked.Count,
            blanked = audit.BlankedDigest, certificate = request.CertificateDigest,
        }));
        return certificate;
    }

    /// <summary>The approver said no (called by the request's own process instance; saved by its engine command).</summary>
    public async Task RejectAsync(Guid requestId, Guid instanceId, string rejectedBy, string? note, CancellationToken cancellationToken)
    {
        var request = await RequireDecidableAsync(requestId, instanceId, rejectedBy, cancellationToken);
        (request.Status, request.DecidedBy, request.DecidedAt, request.DecisionNote) = (ErasureStatus.Rejected, rejectedBy, clock.GetUtcNow(), note);
        db.AuditLog.Add(Audited.Row(rejectedBy, "gdpr.erasure-rejected", "erasure", request.Id.ToString(), clock.GetUtcNow(), null, new { person = request.PersonLabel, note }));
    }

    /// <summary>
    /// Four eyes, enforced here and not only on the task: the decision comes from the instance the request started, from a
    /// compliance officer or admin, and never from whoever asked.
    /// </summary>
    private async Task<ErasureRequest> RequireDecidableAsync(Guid requestId, Guid instanceId, string decidedBy, CancellationToken cancellationToken)
    {
        var request = await db.Set<ErasureRequest>().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new NotFoundException($"Erasure request {requestId} does not exist.");
        if (request.InstanceId != instanceId)
        {
            throw new ForbiddenException("Only the request's own approval process decides it.");
        }

        if (request.Status != ErasureStatus.AwaitingApproval)
        {
            throw new ConflictException($"The request is {request.Status}, not awaiting approval.");
        }

        if (decidedBy == request.RequestedBy)
        {
            throw new ForbiddenException("Four eyes: whoever asked for an erasure may not decide it.");
        }

        var roles = await db.UserRoles.AsNoTracking().Where(r => db.Users.Any(u => u.Id == r.UserId && u.UserName == decidedBy && u.IsActive)).Select(r => r.Role).ToListAsync(cancellationToken);
        return roles.Contains(Roles.Admin) || roles.Contains(Roles.Compliance) ? request
            : throw new ForbiddenException("Only a compliance officer or an admin decides an erasure.");
    }

    public static string Pseudonym(Guid personId) => "Erased person " + personId.ToString("N")[^8..];

    private async Task<List<ErasureDocument>> DocumentsAboutAsync(Guid personId, CancellationToken cancellationToken)
    {
        var activityIds = db.Activities.Where(a => a.PersonId == personId).Select(a => a.Id);
        var documentIds = await db.Set<ActivityDocument>().AsNoTracking().Where(l => activityIds.Contains(l.ActivityId)).Select(l => l.DocumentId).Distinct().ToListAsync(cancellationToken);
        return await db.Documents.AsNoTracking().Where(d => documentIds.Contains(d.Id)).OrderBy(d => d.Title).Select(d => new ErasureDocument(d.Id, d.Title)).ToListAsync(cancellationToken);
    }

    private static List<ErasureDocument> Documents(ErasureRequest request) =>
        request.Documents is { } json ? JsonSerializer.Deserialize<List<ErasureDocument>>(json, Json) ?? [] : [];

    private static ErasureView View(ErasureRequest r) => new(r.Id, r.PersonId, r.PersonLabel, r.Reason, r.RequestedBy, r.RequestedAt, r.Status.ToString(),
        r.DecidedBy, r.DecidedAt, r.DecisionNote, r.DocumentsDecision, Documents(r), r.InstanceId, r.CertificateDigest);

    private static void RequireOfficer(CurrentUser user)
    {
        if (!user.IsAdmin && !user.Roles.Contains(Roles.Compliance))
        {
            throw new ForbiddenException("Only compliance officers and admins handle GDPR erasures.");
        }
    }
}
