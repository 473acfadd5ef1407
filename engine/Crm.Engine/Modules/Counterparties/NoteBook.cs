using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Persistence;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record CreateNoteRequest(string? Text, Guid? CounterpartyId, Guid? PersonId, Guid? ActivityId, Guid? CaseId, Guid? TaskId = null);

/// <summary>A note as it is listed, with what it is tied to (only names the caller may see).</summary>
public sealed record NoteView(Guid Id, string Text, string CreatedBy, DateTimeOffset CreatedAt, Guid? CounterpartyId, Guid? PersonId,
    Guid? ActivityId, string? ActivitySubject, Guid? CaseId, string? CaseTitle, Guid? TaskId, string? TaskName);

/// <summary>Where notes are listed: the notes written on one person, activity or inbox task.</summary>
public sealed record NoteQuery(Guid? PersonId = null, Guid? ActivityId = null, Guid? TaskId = null);

/// <summary>
/// Notes on a counterparty or person, optionally tied to an activity, a task or a case. A note fills in what its ties imply
/// (an activity's counterparty and case, a task's case, a case's or person's counterparty) so it shows on every timeline it
/// belongs to; a tie that contradicts another (an activity of another company) is refused by field.
/// </summary>
public sealed class NoteBook(CrmDbContext db, CounterpartyAccess recordAccess, Crm.Platform.Notifications.Mentions mentions, TimeProvider clock)
{
    public const int MaxLength = 8000;

    public async Task<Guid> CreateAsync(CreateNoteRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Trim().Length > MaxLength)
        {
            throw ValidationFailedException.For("text", $"Write the note (at most {MaxLength:N0} characters).");
        }

        if (request is { CounterpartyId: null, PersonId: null, CaseId: null, ActivityId: null, TaskId: null })
        {
            throw ValidationFailedException.For("counterpartyId", "A note belongs to a counterparty, a person, a case, an activity or a task.");
        }

        var note = new CrmNote
        {
            Text = request.Text.Trim(), CounterpartyId = request.CounterpartyId, PersonId = request.PersonId, ActivityId = request.ActivityId, CaseId = request.CaseId,
            TaskId = request.TaskId, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        var companies = recordAccess.Visible(db.Counterparties, user);
        if (request.ActivityId is { } activityId)
        {
            var activity = await db.Activities.AsNoTracking().Where(a => a.Id == activityId && companies.Any(c => c.Id == a.CounterpartyId)).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Activity {activityId} does not exist.");
            Tie(note.CounterpartyId, activity.CounterpartyId, "activityId", "This activity is with another counterparty.");
            note.CounterpartyId = activity.CounterpartyId;
            note.CaseId ??= activity.CaseId;
        }

        if (request.TaskId is { } taskId)
        {
            var task = await (user.IsAdmin ? db.UserTasks : db.UserTasks.Where(TaskVisibility.Involves(user))).AsNoTracking()
                .Where(t => t.Id == taskId).Select(t => new { t.InstanceId }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Task {taskId} does not exist.");
            // The case the task's process drives, when the writer may see it.
            note.CaseId ??= await CaseAccess.Visible(db, recordAccess, user).Where(c => c.InstanceId == task.InstanceId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
        }

        if (note.CaseId is { } caseId)
        {
            // A case named by the writer must fit; one only implied (by the activity or task) is dropped when it does not.
            var named = request.CaseId == caseId;
            var item = await CaseAccess.Visible(db, recordAccess, user).AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.CounterpartyId }).SingleOrDefaultAsync(cancellationToken);
            if (item is null && named)
            {
                throw new NotFoundException($"Case {caseId} does not exist.");
            }

            if (item is null || (!named && item.CounterpartyId is { } other && note.CounterpartyId is { } own && other != own))
            {
                note.CaseId = null;
            }
            else if (item.CounterpartyId is { } caseCounterparty)
            {
                Tie(note.CounterpartyId, caseCounterparty, "caseId", "This case belongs to another counterparty.");
                note.CounterpartyId ??= await companies.AnyAsync(c => c.Id == caseCounterparty, cancellationToken) ? caseCounterparty : null;
            }
        }

        if (request.PersonId is { } personId)
        {
            var person = await PersonAccess.Visible(db, recordAccess, user).AsNoTracking().Where(p => p.Id == personId).Select(p => new { p.CounterpartyId }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Person {personId} does not exist.");
            if (person.CounterpartyId is { } personCounterparty)
            {
                Tie(note.CounterpartyId, personCounterparty, "personId", "This person works for another counterparty.");
                note.CounterpartyId = personCounterparty;
            }
        }

        if (note.CounterpartyId is { } counterpartyId && !await companies.AnyAsync(c => c.Id == counterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }

        db.Notes.Add(note);
        // "@anna" or "@Anna Nowak" rings that person's bell, in the note's own commit.
        await mentions.RaiseAsync(note.Text, user, NoteLink(note), $"note:{note.Id}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return note.Id;
    }

    /// <summary>Where a mention leads: the task it was written on, else its case, person or counterparty.</summary>
    private static string NoteLink(CrmNote note) =>
        note.TaskId is { } task ? $"tasks/{task}" : note.CaseId is { } c ? $"cases/{c}" : note.PersonId is { } p ? $"crm/persons/{p}" : $"crm/{note.CounterpartyId}";

    /// <summary>Removes a note: its author, or a manager (the removal is audited; the text is not kept).</summary>
    public async Task DeleteAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var note = await db.Notes.SingleOrDefaultAsync(n => n.Id == id, cancellationToken) ?? throw new NotFoundException($"Note {id} does not exist.");
        if (!MayDelete(note.CreatedBy, user))
        {
            throw new ForbiddenException("Only the note's author or a manager may remove it.");
        }

        db.Notes.Remove(note);
        db.AuditLog.Add(new Crm.Platform.Audit.AuditEntry
        {
            Actor = user.UserName, Action = "crm.note-removed", SubjectType = "note", SubjectId = id.ToString(), At = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Who may remove a note: its author or a manager.</summary>
    public static bool MayDelete(string author, CurrentUser user) => author == user.UserName || user.IsProcessOwner;

    /// <summary>The notes on one person, activity or task, newest first: the caller must see that record, and sees only notes whose counterparty and case they may see.</summary>
    public async Task<List<NoteView>> ListAsync(NoteQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var companies = recordAccess.Visible(db.Counterparties, user);
        var notes = db.Notes.AsNoTracking();
        switch (query)
        {
            case { PersonId: { } personId, ActivityId: null, TaskId: null }:
                if (!await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == personId, cancellationToken)) throw new NotFoundException($"Person {personId} does not exist.");
                notes = notes.Where(n => n.PersonId == personId);
                break;
            case { ActivityId: { } activityId, PersonId: null, TaskId: null }:
                if (!await db.Activities.AnyAsync(a => a.Id == activityId && companies.Any(c => c.Id == a.CounterpartyId), cancellationToken)) throw new NotFoundException($"Activity {activityId} does not exist.");
                notes = notes.Where(n => n.ActivityId == activityId);
                break;
            case { TaskId: { } taskId, PersonId: null, ActivityId: null }:
                if (!await (user.IsAdmin ? db.UserTasks : db.UserTasks.Where(TaskVisibility.Involves(user))).AnyAsync(t => t.Id == taskId, cancellationToken)) throw new NotFoundException($"Task {taskId} does not exist.");
                notes = notes.Where(n => n.TaskId == taskId);
                break;
            default:
                throw ValidationFailedException.For("personId", "Name one person, activity or task.");
        }

        var cases = CaseAccess.Visible(db, recordAccess, user);
        return await notes.Where(n => (n.CounterpartyId == null || companies.Any(c => c.Id == n.CounterpartyId)) && (n.CaseId == null || cases.Any(c => c.Id == n.CaseId)))
            .OrderByDescending(n => n.CreatedAt).Take(200)
            .Select(n => new NoteView(n.Id, n.Text, n.CreatedBy, n.CreatedAt, n.CounterpartyId, n.PersonId,
                n.ActivityId, db.Activities.Where(a => a.Id == n.ActivityId).Select(a => a.Subject).FirstOrDefault(),
                n.CaseId, db.Cases.Where(c => c.Id == n.CaseId).Select(c => c.Title).FirstOrDefault(),
                n.TaskId, db.UserTasks.Where(t => t.Id == n.TaskId).Select(t => t.Name).FirstOrDefault()))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A tie implies a counterparty; naming a different one too is a contradiction, refused on the field that brought it.</summary>
    private static void Tie(Guid? given, Guid implied, string field, string message)
    {
        if (given is { } counterpartyId && counterpartyId != implied)
        {
            throw ValidationFailedException.For(field, message);
        }
    }

    /// <summary>How a note shows in a timeline: the first line as title, the whole text, and a link to the task it was written on.</summary>
    internal static TimelineItem TimelineItemOf(CrmNote note) =>
        new(note.CreatedAt, "Note", note.Text.Length > 80 ? note.Text[..80] + "…" : note.Text, note.Text, note.CreatedBy, note.Id, false, note.TaskId is { } taskId ? $"tasks/{taskId}" : null);
}
