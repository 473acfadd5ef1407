#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower(): .NET culture rules do not apply
using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Mail.Register;

public sealed record RegisterEntryInput(string? Direction, DateOnly? Date, string? Channel, Guid? CounterpartyId, Guid? PersonId, string? Department, string? Subject,
    Guid? ReplyToId, DateOnly? AnswerDeadline, IReadOnlyList<Guid>? DocumentIds);

public sealed record RegisterQuery(string? Direction = null, DateOnly? From = null, DateOnly? To = null, Guid? CounterpartyId = null, string? Department = null, string? Text = null,
    bool AwaitingAnswer = false, int Limit = 500);

public sealed record RegisterRow(Guid Id, string Number, string Direction, DateOnly Date, string Channel, Guid? CounterpartyId, string? Counterparty, string? Person, string Department,
    string Subject, string? ReplyToNumber, string? AnsweredByNumber, DateOnly? AnswerDeadline, bool Overdue, int Documents, string RegisteredBy);

/// <summary>
/// The correspondence register: entries numbered per direction and year without gaps or twins (the counter is raised
/// in the registering commit; two registrations at once retry on the counter), seen by the members of the entry's
/// department, whoever registered it, admins and compliance. An answer links to the letter it answers; incoming
/// letters with a deadline and no answer are flagged overdue and reminded.
/// </summary>
public sealed class CorrespondenceRegister(CrmDbContext db, Correspondents correspondents, RecordDocuments documents, TimeProvider clock)
{
    private const long NumberLock = 0x4352_4D4B_4F52_4553;   // "CRMKORES"

    public static readonly string[] Channels = ["post", "courier", "email", "epuap", "in-person"];

    public static string Prefix(string direction) => direction == "in" ? "KP" : "KW";

    public Task<RegisterRow> RegisterAsync(RegisterEntryInput input, CurrentUser user, CancellationToken cancellationToken) => RegisterAsync(input, user, null, cancellationToken);

    private async Task<RegisterRow> RegisterAsync(RegisterEntryInput input, CurrentUser user, Guid? mailId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Direction is not ("in" or "out")) errors["direction"] = ["Use in or out."];
        if (input.Channel is null || !Channels.Contains(input.Channel)) errors["channel"] = [$"Use one of: {string.Join(", ", Channels)}."];
        if (string.IsNullOrWhiteSpace(input.Subject) || input.Subject.Trim().Length > 500) errors["subject"] = ["Give the subject (at most 500 characters)."];
        if (string.IsNullOrWhiteSpace(input.Department)) errors["department"] = ["Choose our department (a group)."];
        else if (!user.IsAdmin && !user.Groups.Contains(input.Department.Trim())) errors["department"] = ["Register for a department you belong to."];
        else if (!await db.Groups.AnyAsync(g => g.Name == input.Department.Trim(), cancellationToken)) errors["department"] = [$"There is no group '{input.Department}'."];
        if (input.AnswerDeadline is not null && input.Direction != "in") errors["answerDeadline"] = ["Only an incoming letter waits for an answer."];
        if (input.ReplyToId is not null && input.Direction != "out") errors["replyToId"] = ["Only an outgoing letter answers another."];
        if (input.DocumentIds is { Count: > 50 }) errors["documentIds"] = ["At most 50 documents."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        if (input.CounterpartyId is { } company)
        {
            await correspondents.RequireVisibleAsync(new MailFilingTarget(company, input.PersonId, null), user, cancellationToken);
        }
        else if (input.PersonId is not null)
        {
            throw ValidationFailedException.For("personId", "A person is registered with their company.");
        }

        var documentIds = input.DocumentIds?.Distinct().ToList() ?? [];
        if ((await documents.ReadableTitlesAsync(documentIds, user, cancellationToken)).Count != documentIds.Count)
        {
            throw new NotFoundException("A document to register does not exist or you may not read it.");
        }

        // Numbers are handed out one registration at a time (one writer on SQLite, an advisory lock on PostgreSQL):
        // twenty people registering at once queue instead of retrying against each other on the counter.
        var id = await ConflictRetry.RunAsync(db, () => db.SerializedAsync(NumberLock, async () =>
        {
            CorrespondenceEntry? answered = null;
            if (input.ReplyToId is { } replyTo)
            {
                answered = await Visible(user).SingleOrDefaultAsync(e => e.Id == replyTo && e.Direction == "in", cancellationToken)
                    ?? throw new NotFoundException($"Incoming letter {replyTo} does not exist.");
            }

            var date = input.Date ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var (number, sequence) = await NextNumberAsync(input.Direction!, date.Year, cancellationToken);
            var entry = new CorrespondenceEntry
            {
                Number = number, Year = date.Year, Sequence = sequence, Direction = input.Direction!, Date = date, Channel = input.Channel!, CounterpartyId = input.CounterpartyId,
                PersonId = input.PersonId, Department = input.Department!.Trim(), Subject = input.Subject!.Trim(), ReplyToId = input.ReplyToId, AnswerDeadline = input.AnswerDeadline,
                RegisteredBy = user.UserName, CreatedAt = clock.GetUtcNow(), MailId = mailId,
                Documents = [.. documentIds.Select(d => new CorrespondenceDocument { DocumentId = d })],
            };
            db.Correspondence.Add(entry);
            if (answered is not null)
            {
                answered.AnsweredById = entry.Id;
                answered.Revision++;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (mailId is not null)
            {
                db.ChangeTracker.Clear();
                if (await db.Correspondence.AsNoTracking().AnyAsync(e => e.MailId == mailId, cancellationToken))
                {
                    throw new ConflictException("This mail is in the register already.");   // two clicks at once: the unique index let one through
                }

                throw;
            }

            return entry.Id;
        }, cancellationToken), cancellationToken);
        return (await ListAsync(new RegisterQuery(), user, cancellationToken, only: id)).Single();
    }

    /// <summary>Registers an imported or sent mail in one click: direction, date, e-mail, company, person, subject and documents from the mail.</summary>
    public async Task<RegisterRow> RegisterMailAsync(Guid mailId, string? department, DateOnly? answerDeadline, CurrentUser user, CancellationToken cancellationToken)
    {
        var mail = await db.MailMessages.AsNoTracking().Include(m => m.Attachments).SingleOrDefaultAsync(m => m.Id == mailId, cancellationToken) ?? throw new NotFoundException($"Mail {mailId} does not exist.");
        var account = await db.MailAccounts.AsNoTracking().SingleAsync(a => a.Id == mail.AccountId, cancellationToken);
        if (!MailAccounts.MayUse(account, user))
        {
            throw new NotFoundException($"Mail {mailId} does not exist.");
        }

        if (await db.Correspondence.AnyAsync(e => e.MailId == mailId, cancellationToken))
        {
            throw new ConflictException("This mail is in the register already.");
        }

        var ids = new List<Guid>();
        if (mail.EmlDocumentId is { } eml) ids.Add(eml);
        ids.AddRange(mail.Attachments.Select(a => a.DocumentId));
        return await RegisterAsync(new RegisterEntryInput(mail.Direction, DateOnly.FromDateTime(mail.Date.UtcDateTime), "email", mail.CounterpartyId, mail.CounterpartyId is null ? null : mail.PersonId,
            department ?? account.Group ?? user.Groups.FirstOrDefault(), mail.Subject.Length > 500 ? mail.Subject[..500] : mail.Subject, null, mail.Direction == "in" ? answerDeadline : null, ids),
            user, mailId, cancellationToken);
    }

    public async Task<List<RegisterRow>> ListAsync(RegisterQuery query, CurrentUser user, CancellationToken cancellationToken, Guid? only = null)
    {
        var entries = Visible(user).AsNoTracking();
        if (only is { } id) entries = entries.Where(e => e.Id == id);
        if (query.Direction is "in" or "out") entries = entries.Where(e => e.Direction == query.Direction);
        if (query.From is { } from) entries = entries.Where(e => e.Date >= from);
        if (query.To is { } to) entries = entries.Where(e => e.Date <= to);
        if (query.CounterpartyId is { } company)
        {
            if ((await correspondents.VisibleOfAsync([company], user, cancellationToken)).Count == 0)
            {
                throw new NotFoundException($"Counterparty {company} does not exist.");
            }

            entries = entries.Where(e => e.CounterpartyId == company);
        }

        if (!string.IsNullOrWhiteSpace(query.Department)) entries = entries.Where(e => e.Department == query.Department);
        if (query.AwaitingAnswer) entries = entries.Where(e => e.Direction == "in" && e.AnswerDeadline != null && e.AnsweredById == null);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim().ToLowerInvariant();
            entries = entries.Where(e => e.Number.ToLower().Contains(text) || e.Subject.ToLower().Contains(text));
        }

        var rows = await entries.OrderByDescending(e => e.Date).ThenByDescending(e => e.Sequence).Take(Math.Clamp(query.Limit, 1, 5000))
            .Select(e => new
            {
                e.Id, e.Number, e.Direction, e.Date, e.Channel, e.CounterpartyId, e.PersonId, e.Department, e.Subject, e.AnswerDeadline, e.RegisteredBy, Documents = e.Documents.Count,
                ReplyTo = db.Correspondence.Where(r => r.Id == e.ReplyToId).Select(r => r.Number).FirstOrDefault(),
                AnsweredBy = db.Correspondence.Where(r => r.Id == e.AnsweredById).Select(r => r.Number).FirstOrDefault(),
            }).ToListAsync(cancellationToken);
        var visible = await correspondents.VisibleOfAsync([.. rows.Where(r => r.CounterpartyId is not null).Select(r => r.CounterpartyId!.Value).Distinct()], user, cancellationToken);
        var names = await correspondents.NamesAsync([.. visible, .. rows.Where(r => r.PersonId is not null && visible.Contains(r.CounterpartyId ?? Guid.Empty)).Select(r => r.PersonId!.Value)], cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return [.. rows.Select(r => new RegisterRow(r.Id, r.Number, r.Direction, r.Date, r.Channel, r.CounterpartyId is { } c && visible.Contains(c) ? c : null,
            r.CounterpartyId is { } n && visible.Contains(n) ? names.GetValueOrDefault(n) : null, r.PersonId is { } p ? names.GetValueOrDefault(p) : null, r.Department, r.Subject,
            r.ReplyTo, r.AnsweredBy, r.AnswerDeadline, r.AnswerDeadline is { } deadline && r.AnsweredBy is null && deadline < today, r.Documents, r.RegisteredBy))];
    }

    /// <summary>The list as an Excel workbook, with the columns chosen (all when none).</summary>
    public async Task<byte[]> ExportAsync(RegisterQuery query, IReadOnlyList<string>? columns, CurrentUser user, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(query with { Limit = 5000 }, user, cancellationToken);
        var chosen = columns is { Count: > 0 } ? [.. Columns.Where(c => columns.Contains(c.Key))] : Columns;
        return ExcelWriter.Write("Register", [.. chosen.Select(c => c.Label)], rows.Select(r => (IReadOnlyList<object?>)[.. chosen.Select(c => c.Value(r))]));
    }

    public static readonly IReadOnlyList<(string Key, string Label, Func<RegisterRow, object?> Value)> Columns =
    [
        ("number", "Number", r => r.Number), ("direction", "Direction", r => r.Direction == "in" ? "incoming" : "outgoing"), ("date", "Date", r => r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("channel", "Channel", r => r.Channel), ("counterparty", "Counterparty", r => r.Counterparty), ("person", "Person", r => r.Person), ("department", "Department", r => r.Department),
        ("subject", "Subject", r => r.Subject), ("reply", "Answers / answered by", r => r.ReplyToNumber ?? r.AnsweredByNumber),
        ("deadline", "Answer due", r => r.AnswerDeadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("documents", "Documents", r => r.Documents), ("registeredBy", "Registered by", r => r.RegisteredBy),
    ];

    /// <summary>Documents of an entry the user may read.</summary>
    public async Task<Dictionary<Guid, string>> DocumentsAsync(Guid entryId, CurrentUser user, CancellationToken cancellationToken)
    {
        var ids = await Visible(user).Where(e => e.Id == entryId).SelectMany(e => e.Documents.Select(d => d.DocumentId)).ToListAsync(cancellationToken);
        return await documents.ReadableTitlesAsync(ids, user, cancellationToken);
    }

    private IQueryable<CorrespondenceEntry> Visible(CurrentUser user)
    {
        if (user.IsAdmin || user.Roles.Contains(Roles.Compliance))
        {
            return db.Correspondence;
        }

        var groups = user.Groups.ToList();
        var name = user.UserName;
        return db.Correspondence.Where(e => groups.Contains(e.Department) || e.RegisteredBy == name);
    }

    private async Task<(string Number, int Sequence)> NextNumberAsync(string direction, int year, CancellationToken cancellationToken)
    {
        var counter = await db.CorrespondenceCounters.SingleOrDefaultAsync(c => c.Direction == direction && c.Year == year, cancellationToken);
        if (counter is null)
        {
            counter = new CorrespondenceCounter { Direction = direction, Year = year };
            db.CorrespondenceCounters.Add(counter);   // a twin insert loses on the key and is retried
        }

        counter.Last++;
        return ($"{Prefix(direction)}/{year:0000}/{counter.Last:000000}", counter.Last);
    }
}
