using Crm.Platform.Common;
using System.Text;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Documents;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Notes tied to activities, tasks and cases (what a tie implies is filled in, contradictions refused); documents of activities, only readable ones shown.</summary>
public abstract class NotesAndActivityDocumentsTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly AccessContext Office = new("10.0.0.7", "test-browser/1.0");
    private static readonly CurrentUser Manager = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "north");
    private static readonly CurrentUser Ola = EngineHarness.User("ola", "north");
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "south");

    private Task<Guid> CompanyAsync(string name, string region) => Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name,
        null, null, null, null, null, null, null, ["customer"], region, null, null, null, "PLN", null, null, null), Manager, default));

    private Task<Guid> ActivityAsync(Guid company, string subject, CurrentUser user, Guid? caseId = null, IReadOnlyList<Guid>? documents = null) =>
        Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(company, "email", "out", null, 5, subject, null, "done", null, caseId, null, null, documents), user, default));

    private Task<Guid> NoteAsync(CreateNoteRequest request, CurrentUser user) => Engine.RunAsync<NoteBook, Guid>(s => s.CreateAsync(request, user, default));

    private Task<List<NoteView>> NotesAsync(NoteQuery query, CurrentUser user) => Engine.RunAsync<NoteBook, List<NoteView>>(s => s.ListAsync(query, user, default));

    private Task<List<TimelineItem>> CompanyTimelineAsync(Guid company, CurrentUser user) =>
        Engine.RunAsync<CrmActivityService, List<TimelineItem>>(s => s.TimelineAsync(company, null, user, default));

    private async Task<Guid> DocumentAsync(Guid folder, string title)
    {
        var stored = await Engine.RunAsync<DocumentService, StoredFile>(s => s.StoreAsync(new UploadedFile("oferta.txt", new MemoryStream(Encoding.UTF8.GetBytes(title))), default));
        return (await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateAsync(new CreateDocumentRequest(folder, title, "letter"), stored, EngineHarness.Admin, Office, default))).Id;
    }

    private async Task<Guid> FolderAsync(string name, params string[] readerGroups)
    {
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            foreach (var group in readerGroups.Where(g => !db.Groups.Any(x => x.Name == g)))
            {
                db.Groups.Add(new Group { Name = group, DisplayName = group });
            }

            await db.SaveChangesAsync();
        });
        var folder = await Engine.RunAsync<FolderService, FolderView>(s => s.CreateAsync(new CreateFolderRequest(name, null), EngineHarness.Admin, default));
        await Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetFolderPermissionsAsync(folder.Id, [.. readerGroups.Select(g => new PermissionEntry("group", g, ["read"]))], EngineHarness.Admin, Office, default));
        return folder.Id;
    }

    [Fact]
    public async Task NoteOnATask_LandsOnTheTaskItsCaseAndCompany_AndNotesOnActivitiesAndPersonsFillInWhatTheyImply()
    {
        RequireDatabase();
        var company = await CompanyAsync("Notatki sp. z o.o.", "north");
        var other = await CompanyAsync("Inna firma S.A.", "north");
        var caseId = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Nowa linia produkcyjna", company, null, 120_000, "PLN", null, null, null, null), Anna, default));
        var instance = (await Engine.RunAsync<CaseBook, CaseView>(s => s.GetAsync(caseId, Anna, default))).InstanceId!.Value;
        var qualify = await Engine.TaskAtAsync(instance, "qualify");

        // Written on the inbox task: tied to the task, its case (the process drives it) and the case's company.
        var onTask = await NoteAsync(new CreateNoteRequest("Klient pyta o termin dostawy.", null, null, null, null, qualify.Id), Anna);
        var stored = await Engine.RunAsync<CrmDbContext, CrmNote>(db => db.Notes.SingleAsync(n => n.Id == onTask));
        Assert.Equal((qualify.Id, caseId, company), (stored.TaskId!.Value, stored.CaseId!.Value, stored.CounterpartyId!.Value));
        var taskNotes = await NotesAsync(new NoteQuery(TaskId: qualify.Id), Anna);
        Assert.Equal(["Klient pyta o termin dostawy.|Nowa linia produkcyjna|" + qualify.Name], taskNotes.Select(n => $"{n.Text}|{n.CaseTitle}|{n.TaskName}"));
        var caseTimeline = await Engine.RunAsync<CaseBook, List<TimelineItem>>(s => s.TimelineAsync(caseId, Anna, default));
        Assert.Contains(caseTimeline, t => t.Kind == "Note" && t.Id == onTask && t.Link == $"tasks/{qualify.Id}");
        Assert.Contains(await CompanyTimelineAsync(company, Anna), t => t.Kind == "Note" && t.Id == onTask);

        // Someone the task does not concern cannot write on it or read its notes (as if it did not exist).
        await Assert.ThrowsAsync<NotFoundException>(() => NoteAsync(new CreateNoteRequest("cudza", null, null, null, null, qualify.Id), Jan));
        await Assert.ThrowsAsync<NotFoundException>(() => NotesAsync(new NoteQuery(TaskId: qualify.Id), Jan));

        // On an activity: its company and case come with it; naming another company contradicts it.
        var call = await ActivityAsync(company, "Oferta wysłana", Anna, caseId);
        var onCall = await NoteAsync(new CreateNoteRequest("Czeka na akceptację zarządu.", null, null, call, null), Anna);
        Assert.Equal(["Czeka na akceptację zarządu.|Oferta wysłana|Nowa linia produkcyjna"],
            (await NotesAsync(new NoteQuery(ActivityId: call), Anna)).Select(n => $"{n.Text}|{n.ActivitySubject}|{n.CaseTitle}"));
        Assert.Contains(await CompanyTimelineAsync(company, Anna), t => t.Id == onCall);
        var contradiction = await Assert.ThrowsAsync<ValidationFailedException>(() => NoteAsync(new CreateNoteRequest("x", other, null, call, null), Anna));
        Assert.Equal(["activityId"], contradiction.Errors.Keys);
        var wrongCase = await Assert.ThrowsAsync<ValidationFailedException>(() => NoteAsync(new CreateNoteRequest("x", other, null, null, caseId), Anna));
        Assert.Equal(["caseId"], wrongCase.Errors.Keys);
        await Assert.ThrowsAsync<NotFoundException>(() => NoteAsync(new CreateNoteRequest("x", null, null, call, null), Jan));

        // On a person: listed on the person and on their company's timeline.
        var person = await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreatePersonAsync(new CreatePersonRequest(company, "Zofia", "Kręgiel", null, null, null, null, null), Anna, default));
        var onPerson = await NoteAsync(new CreateNoteRequest("Woli kontakt po 15:00.", null, person, null, null), Ola);
        Assert.Equal(["Woli kontakt po 15:00.|ola"], (await NotesAsync(new NoteQuery(PersonId: person), Anna)).Select(n => $"{n.Text}|{n.CreatedBy}"));
        Assert.Contains(await CompanyTimelineAsync(company, Anna), t => t.Id == onPerson);
        await Assert.ThrowsAsync<NotFoundException>(() => NotesAsync(new NoteQuery(PersonId: person), Jan));

        // The person page's contacts: activities with that person, everyone's.
        await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(company, "meeting", "out", null, 30, "Spotkanie z Zofią", null, "done",
            person, null, null, null), Ola, default));
        var withPerson = await Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(new ActivityListQuery("all", "*", PersonId: person), Anna, default));
        Assert.Equal(["Spotkanie z Zofią|Zofia Kręgiel|ola"], withPerson.Items.Select(a => $"{a.Subject}|{a.PersonName}|{a.Employee}"));

        // Removed by the author or a manager only; the removal is audited.
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<NoteBook>(s => s.DeleteAsync(onTask, Ola, default)));
        await Engine.RunAsync<NoteBook>(s => s.DeleteAsync(onTask, Anna, default));
        Assert.Empty(await NotesAsync(new NoteQuery(TaskId: qualify.Id), Anna));
        Assert.DoesNotContain(await CompanyTimelineAsync(company, Anna), t => t.Id == onTask);
        await Engine.RunAsync<NoteBook>(s => s.DeleteAsync(onPerson, Manager, default));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<NoteBook>(s => s.DeleteAsync(onPerson, Manager, default)));
        Assert.Equal(["anna", "piotr"], await Engine.RunAsync<CrmDbContext, List<string>>(db => db.AuditLog.Where(e => e.Action == "crm.note-removed").OrderBy(e => e.Sequence).Select(e => e.Actor).ToListAsync()));

        var empty = await Assert.ThrowsAsync<ValidationFailedException>(() => NoteAsync(new CreateNoteRequest(" ", company, null, null, null), Anna));
        Assert.Equal(["text"], empty.Errors.Keys);
        var tooLong = await Assert.ThrowsAsync<ValidationFailedException>(() => NoteAsync(new CreateNoteRequest(new string('x', NoteBook.MaxLength + 1), company, null, null, null), Anna));
        Assert.Equal(["text"], tooLong.Errors.Keys);
        await Assert.ThrowsAsync<ValidationFailedException>(() => NoteAsync(new CreateNoteRequest("bez niczego", null, null, null, null), Anna));
        await Assert.ThrowsAsync<ValidationFailedException>(() => NotesAsync(new NoteQuery(PersonId: person, TaskId: qualify.Id), Anna));
    }

    [Fact]
    public async Task ActivityDocuments_AreAttachedWithReadAccess_AndShownOnlyToThoseWhoMayReadThem()
    {
        RequireDatabase();
        var company = await CompanyAsync("Dokumenty S.A.", "north");
        var salesFolder = await FolderAsync("Oferty", "north", "finance");
        var boardFolder = await FolderAsync("Zarząd", "finance");
        var offer = await DocumentAsync(salesFolder, "Oferta 2026/11");
        var minutes = await DocumentAsync(salesFolder, "Notatka ze spotkania");
        var secret = await DocumentAsync(boardFolder, "Marża minimalna");
        var caseId = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Dostawa", company, null, 10_000, "PLN", null, null, "offer", null), Anna, default));

        // Documents named when the activity is recorded; one Anna may not read is refused and nothing is stored.
        await Assert.ThrowsAsync<NotFoundException>(() => ActivityAsync(company, "Oferta z marżą", Anna, caseId, [offer, secret]));
        Assert.False(await Engine.RunAsync<CrmDbContext, bool>(db => db.Activities.AnyAsync(a => a.Subject == "Oferta z marżą")));
        var sent = await ActivityAsync(company, "Oferta wysłana", Anna, caseId, [offer]);

        // Attached later (twice changes nothing), also by the manager with a document only finance reads.
        await Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(sent, minutes, Ola, default));
        await Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(sent, minutes, Anna, default));
        await Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(sent, secret, Manager, default));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(sent, secret, Anna, default)));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(sent, offer, Jan, default)));
        Assert.Equal(3, await Engine.RunAsync<CrmDbContext, int>(db => db.Set<ActivityDocument>().CountAsync(l => l.ActivityId == sent)));

        // Each sees only what they may read: the activity, the company timeline and the case timeline.
        var annas = await Engine.RunAsync<ActivityDocuments, List<LinkedDocument>>(s => s.ListAsync(sent, Anna, default));
        Assert.Equal(["Oferta 2026/11", "Notatka ze spotkania"], annas.Select(d => d.Title));
        var managers = await Engine.RunAsync<ActivityDocuments, List<LinkedDocument>>(s => s.ListAsync(sent, Manager, default));
        Assert.Equal(["Oferta 2026/11", "Notatka ze spotkania", "Marża minimalna"], managers.Select(d => d.Title));
        var onTimeline = (await CompanyTimelineAsync(company, Anna)).Single(t => t.Id == sent);
        Assert.Equal(["Oferta 2026/11", "Notatka ze spotkania"], onTimeline.Documents.Select(d => d.Title));
        var onCase = (await Engine.RunAsync<CaseBook, List<TimelineItem>>(s => s.TimelineAsync(caseId, Manager, default))).Single(t => t.Id == sent);
        Assert.Equal(3, onCase.Documents.Count);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ActivityDocuments, List<LinkedDocument>>(s => s.ListAsync(sent, Jan, default)));

        // The document page lists the contacts it is attached to: for readers of the document, only contacts of companies they see.
        Assert.Equal(["Oferta wysłana|Dokumenty S.A."], (await Engine.RunAsync<ActivityDocuments, List<DocumentActivity>>(s => s.ActivitiesOfAsync(offer, Anna, default)))
            .Select(a => $"{a.Subject}|{a.CounterpartyName}"));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ActivityDocuments, List<DocumentActivity>>(s => s.ActivitiesOfAsync(secret, Anna, default)));
        var southReader = new CurrentUser(Guid.NewGuid(), "zenon", new HashSet<string>(), new HashSet<string> { "south", "finance" });
        Assert.Empty(await Engine.RunAsync<ActivityDocuments, List<DocumentActivity>>(s => s.ActivitiesOfAsync(offer, southReader, default)));

        // A document whose own links name the activity counts too (not removable from the activity's side).
        var letter = await DocumentAsync(salesFolder, "Pismo przewodnie");
        await Engine.RunAsync<DocumentService, DocumentView>(s => s.UpdateAsync(letter, new UpdateDocumentRequest(null, null, null, null, null, null,
            System.Text.Json.Nodes.JsonNode.Parse($$"""[{"type":"activity","id":"{{sent}}"}]""")), EngineHarness.Admin, Office, default));
        var withNamed = await Engine.RunAsync<ActivityDocuments, List<LinkedDocument>>(s => s.ListAsync(sent, Anna, default));
        Assert.Equal(["Oferta 2026/11:True", "Notatka ze spotkania:True", "Pismo przewodnie:False"], withNamed.Select(d => $"{d.Title}:{d.Removable}"));

        // Removing: the activity's employee, whoever attached it, or a manager; a colleague who only sees it may not.
        var colleague = EngineHarness.User("ewa", "north");
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ActivityDocuments>(s => s.DetachAsync(sent, minutes, colleague, default)));
        await Engine.RunAsync<ActivityDocuments>(s => s.DetachAsync(sent, minutes, Ola, default));
        await Engine.RunAsync<ActivityDocuments>(s => s.DetachAsync(sent, offer, Anna, default));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ActivityDocuments>(s => s.DetachAsync(sent, offer, Anna, default)));
        Assert.Equal(["Pismo przewodnie"], (await Engine.RunAsync<ActivityDocuments, List<LinkedDocument>>(s => s.ListAsync(sent, Anna, default))).Select(d => d.Title));

        // The picker offers only readable documents.
        var choices = await Engine.RunAsync<ActivityDocuments, List<DocumentChoice>>(s => s.SearchAsync("marża", Anna, default));
        Assert.Empty(choices);
        Assert.Equal(["Marża minimalna"], (await Engine.RunAsync<ActivityDocuments, List<DocumentChoice>>(s => s.SearchAsync("Marża", Manager, default))).Select(d => d.Title));
    }

    [Fact]
    public async Task TwoPeopleAttachingTheSameDocumentAtOnce_BothSucceed_WithOneLink()
    {
        RequireDatabase();
        var company = await CompanyAsync("Równolegle sp. j.", "north");
        var folder = await FolderAsync("Wspólne", "north");
        var document = await DocumentAsync(folder, "Cennik");
        var activity = await ActivityAsync(company, "Rozmowa o cenach", Anna);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Engine.RunAsync<ActivityDocuments>(s => s.AttachAsync(activity, document, i % 2 == 0 ? Anna : Ola, default))));
        Assert.Equal(1, await Engine.RunAsync<CrmDbContext, int>(db => db.Set<ActivityDocument>().CountAsync(l => l.ActivityId == activity)));
    }
}

public sealed class NotesAndActivityDocumentsOnSqliteTests() : NotesAndActivityDocumentsTests(DatabaseProvider.Sqlite);

public sealed class NotesAndActivityDocumentsOnPostgreSqlTests() : NotesAndActivityDocumentsTests(DatabaseProvider.PostgreSql);
