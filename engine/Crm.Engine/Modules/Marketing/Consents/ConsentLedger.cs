using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Consents;

public sealed record RecordConsentRequest(string? Purpose, bool Given, string? Channel, string? Source, string? Evidence, Guid? EvidenceDocumentId, string? WordingVersion);

public sealed record ConsentView(Guid Id, string Purpose, bool Given, string Channel, string? Source, string? Evidence, Guid? EvidenceDocumentId, string? WordingVersion,
    string? Email, Guid? MailingId, DateTimeOffset At, string RecordedBy);

/// <summary>The state of one purpose for a person: the latest record, or the card's flag from before the ledger existed.</summary>
public sealed record ConsentState(string Purpose, bool Given, DateTimeOffset? Since, string? Source);

/// <summary>
/// The consent ledger (P4): records are appended, never changed; what holds is the latest per person and purpose.
/// Marketing e-mail consent ticked on a person card before the ledger existed still counts (the card's source and
/// date are its evidence) until the ledger has a row for it.
/// </summary>
public sealed class ConsentLedger(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock) : IPersonConsentChanges
{
    public static readonly IReadOnlyList<string> Channels = ["form", "e-mail", "phone", "paper", "person-card", "unsubscribe-link", "survey", "import"];

    public async Task<ConsentView> RecordAsync(Guid personId, RecordConsentRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Person, AccessRights.Edit);
        var person = await PersonAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(p => p.Id == personId, cancellationToken)
            ?? throw new NotFoundException($"Person {personId} does not exist or is not visible to you.");
        var errors = new Dictionary<string, string[]>();
        if (request.Purpose is null || !ConsentPurposes.All.Contains(request.Purpose)) errors["purpose"] = [$"Choose one of: {string.Join(", ", ConsentPurposes.All)}."];
        if (request.Channel is null || !Channels.Contains(request.Channel)) errors["channel"] = [$"Choose how it came: {string.Join(", ", Channels)}."];
        if (request.Given && string.IsNullOrWhiteSpace(request.Source) && string.IsNullOrWhiteSpace(request.Evidence) && request.EvidenceDocumentId is null)
        {
            errors["evidence"] = ["A consent needs its evidence: where it came from, what was signed, or a scanned document."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var record = Append(person, request.Purpose!, request.Given, request.Channel!, Clip(request.Source, 500), Clip(request.Evidence, 4000), request.WordingVersion, null, user.UserName, clock.GetUtcNow());
        record.EvidenceDocumentId = request.EvidenceDocumentId;
        await db.SaveChangesAsync(cancellationToken);
        return View(record);
    }

    /// <summary>An unsubscribe link followed: no sign-in, the link's signature is the authority.</summary>
    public async Task<bool> WithdrawByLinkAsync(Guid personId, string? email, Guid mailingId, string evidence, CancellationToken cancellationToken)
    {
        var person = await db.Persons.SingleOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null)
        {
            return false;
        }

        var current = await CurrentAsync([personId], ConsentPurposes.MarketingEmail, cancellationToken);
        if (!current.Contains(personId) && await db.ConsentRecords.AnyAsync(c => c.PersonId == personId && c.MailingId == mailingId && !c.Given, cancellationToken))
        {
            return true;   // the same link twice: recorded once
        }

        var record = Append(person, ConsentPurposes.MarketingEmail, false, "unsubscribe-link", "Unsubscribe link in a mailing", Clip(evidence, 4000), null, mailingId, "unsubscribe-link", clock.GetUtcNow());
        record.Email = Clip(email ?? person.Email, 320);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<List<ConsentView>> HistoryAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken)
    {
        await RequireVisibleAsync(personId, user, cancellationToken);
        var rows = await db.ConsentRecords.AsNoTracking().Where(c => c.PersonId == personId).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Select(View)];
    }

    public async Task<List<ConsentState>> StatesAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken)
    {
        var person = await RequireVisibleAsync(personId, user, cancellationToken);
        var rows = await db.ConsentRecords.AsNoTracking().Where(c => c.PersonId == personId).ToListAsync(cancellationToken);
        return [.. ConsentPurposes.All.Select(purpose => rows.Where(r => r.Purpose == purpose).OrderBy(r => r.At).ThenBy(r => r.Id).LastOrDefault() is { } latest
            ? new ConsentState(purpose, latest.Given, latest.At, latest.Source ?? latest.Channel)
            : purpose == ConsentPurposes.MarketingEmail && person.MarketingConsent ? new ConsentState(purpose, true, person.ConsentAt, person.ConsentSource)
            : new ConsentState(purpose, false, null, null))];
    }

    /// <summary>Of <paramref name="personIds"/>, those with a current consent for <paramref name="purpose"/> (one query per thousand).</summary>
    public async Task<HashSet<Guid>> CurrentAsync(IReadOnlyCollection<Guid> personIds, string purpose, CancellationToken cancellationToken)
    {
        var consenting = new HashSet<Guid>();
        foreach (var chunk in personIds.Distinct().Chunk(1000))
        {
            var latest = await db.ConsentRecords.AsNoTracking().Where(c => chunk.Contains(c.PersonId) && c.Purpose == purpose)
                .Select(c => new { c.PersonId, c.Given, c.At, c.Id }).ToListAsync(cancellationToken);
            var decided = latest.GroupBy(c => c.PersonId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ThenBy(c => c.Id).Last().Given);
            var undecided = chunk.Where(id => !decided.ContainsKey(id)).ToList();
            var flagged = purpose == ConsentPurposes.MarketingEmail && undecided.Count > 0
                ? await db.Persons.AsNoTracking().Where(p => undecided.Contains(p.Id) && p.MarketingConsent).Select(p => p.Id).ToListAsync(cancellationToken)
                : [];
            consenting.UnionWith(decided.Where(d => d.Value).Select(d => d.Key));
            consenting.UnionWith(flagged);
        }

        return consenting;
    }

    public async Task<byte[]> ExportAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Person, AccessRights.Export);
        var person = await RequireVisibleAsync(personId, user, cancellationToken);
        var history = await HistoryAsync(personId, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "consents", personId.ToString(), new { rows = history.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write($"Consents {person.FirstName} {person.LastName}".Trim(),
            ["At", "Purpose", "Given", "Channel", "Source", "Evidence", "Evidence document", "Wording version", "Address", "Mailing", "Recorded by"],
            [.. history.OrderBy(h => h.At).Select(h => (IReadOnlyList<object?>)[h.At.UtcDateTime, h.Purpose, h.Given ? "given" : "withdrawn", h.Channel, h.Source, h.Evidence,
                h.EvidenceDocumentId?.ToString(), h.WordingVersion, h.Email, h.MailingId?.ToString(), h.RecordedBy])]);
    }

    /// <summary>The person card's flag changed (same unit of work as the card).</summary>
    void IPersonConsentChanges.Changed(CrmDbContext unit, ContactPerson person, bool given, string? source, string by, DateTimeOffset at) =>
        unit.ConsentRecords.Add(new ConsentRecord
        {
            PersonId = person.Id, Email = Clip(person.Email, 320), Purpose = ConsentPurposes.MarketingEmail, Given = given, Channel = "person-card",
            Source = Clip(source, 500), Evidence = given ? "Ticked on the person card" : "Cleared on the person card", At = at, RecordedBy = by,
        });

    private ConsentRecord Append(ContactPerson person, string purpose, bool given, string channel, string? source, string? evidence, string? wording, Guid? mailingId, string by, DateTimeOffset at)
    {
        var record = new ConsentRecord
        {
            PersonId = person.Id, Email = Clip(person.Email, 320), Purpose = purpose, Given = given, Channel = channel, Source = source, Evidence = evidence,
            WordingVersion = Clip(wording, 100), MailingId = mailingId, At = at, RecordedBy = by,
        };
        db.ConsentRecords.Add(record);
        if (purpose == ConsentPurposes.MarketingEmail)
        {
            PersonConsentFlag.Set(person, given, source ?? channel, at);   // the card shows what holds now
        }

        return record;
    }

    private async Task<ContactPerson> RequireVisibleAsync(Guid personId, CurrentUser user, CancellationToken cancellationToken) =>
        await PersonAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId, cancellationToken)
            ?? throw new NotFoundException($"Person {personId} does not exist or is not visible to you.");

    private static ConsentView View(ConsentRecord c) =>
        new(c.Id, c.Purpose, c.Given, c.Channel, c.Source, c.Evidence, c.EvidenceDocumentId, c.WordingVersion, c.Email, c.MailingId, c.At, c.RecordedBy);

    internal static string? Clip(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length <= max ? text.Trim() : text.Trim()[..max];
}
