using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Case phases defined by admins, the case list and page: visibility, edits with revisions, manual moves, the whole history in one timeline.</summary>
public abstract class CaseBookTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Manager = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "finance" });
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "north");
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "south");

    private Task<Guid> CompanyAsync(string name, string region) => Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name,
        null, null, null, null, null, null, null, ["customer"], region, null, null, null, "PLN", null, null, null), Manager, default));

    private Task<Guid> CaseAsync(string title, Guid? company, string? phase, decimal value, CurrentUser user) =>
        Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest(title, company, null, value, "PLN", null, null, phase, null), user, default));

    private Task<CaseView> GetAsync(Guid id, CurrentUser user) => Engine.RunAsync<CaseBook, CaseView>(s => s.GetAsync(id, user, default));

    [Fact]
    public async Task Phases_AreDefinedByAdminsPerGroup_AndDriveGroupsProbabilitiesAndTheFunnel()
    {
        RequireDatabase();
        var admin = EngineHarness.Admin;
        foreach (var (dictionary, value) in new[] { (CasePhases.PotentialDictionary, "lead"), (CasePhases.PotentialDictionary, "qualification"),
                     (CasePhases.InProgressDictionary, "offer"), (CasePhases.InProgressDictionary, "negotiation"), (CasePhases.InProgressDictionary, "contract") })
        {
            await Engine.RunAsync<DictionaryService, Guid>(s => s.AddAsync(dictionary, value, admin, default));
        }

        var phases = await Engine.RunAsync<CrmDbContext, CasePhases>(db => CasePhases.LoadAsync(db, default));
        Assert.Equal(["lead", "qualification", "offer", "negotiation", "contract"], phases.Open);
        var company = await CompanyAsync("Fazy sp. z o.o.", "north");
        var lead = await GetAsync(await CaseAsync("Pierwszy kontakt", company, null, 1_000, Anna), Anna);
        Assert.Equal(("lead", CaseGroup.Potential, 10), (lead.Phase, lead.Group, lead.Probability));
        var contract = await GetAsync(await CaseAsync("Umowa", company, "contract", 9_000, Anna), Anna);
        Assert.Equal(("contract", CaseGroup.InProgress, 70, false), (contract.Phase, contract.Group, contract.Probability, contract.ProcessRunning));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => CaseAsync("Zła faza", company, "dreaming", 1, Anna));
        Assert.Contains("lead, qualification, offer, negotiation, contract", refused.Errors["phase"][0], StringComparison.Ordinal);

        var funnel = await Engine.RunAsync<CaseService, FunnelReport>(s => s.FunnelAsync(null, null, null, Manager, default));
        Assert.Equal(["lead:1", "qualification:0", "offer:0", "negotiation:0", "contract:1"], funnel.Phases.Select(p => $"{p.Phase}:{p.Count}"));

        // A deactivated phase can no longer be entered; the funnel still shows the cases left in it.
        var leadEntry = (await Engine.RunAsync<DictionaryService, List<DictionaryEntryView>>(s => s.ListAsync(CasePhases.PotentialDictionary, default))).Single(e => e.Value == "lead");
        await Engine.RunAsync<DictionaryService>(s => s.SetActiveAsync(leadEntry.Id, false, admin, default));
        await Assert.ThrowsAsync<ValidationFailedException>(() => CaseAsync("Znowu lead", company, "lead", 1, Anna));
        funnel = await Engine.RunAsync<CaseService, FunnelReport>(s => s.FunnelAsync(null, null, null, Manager, default));
        Assert.Equal(["qualification:0", "offer:0", "negotiation:0", "contract:1", "lead:1"], funnel.Phases.Select(p => $"{p.Phase}:{p.Count}"));
    }

    [Fact]
    public async Task CaseList_ShowsOwnCasesAndThoseOfVisibleCompanies_PerGroup_SortedAndSearched()
    {
        RequireDatabase();
        var north = await CompanyAsync("Północ sp. z o.o.", "north");
        var south = await CompanyAsync("Południe S.A.", "south");
        await CaseAsync("Serwery północ", north, "offer", 50_000, Manager);       // anna sees it: her region
        await CaseAsync("Drukarki północ", north, "negotiation", 7_000, Manager);
        await CaseAsync("Kable południe", south, "offer", 20_000, Manager);       // jan's region only
        await CaseAsync("Szkolenie wewnętrzne", null, "offer", 3_000, Jan);       // internal: jan's own
        var annas = await Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Group: "inprogress", Sort: "value", Descending: true), Anna, default));
        Assert.Equal(["Serwery północ", "Drukarki północ"], annas.Cases.Items.Select(c => c.Title));
        Assert.Equal("Północ sp. z o.o.", annas.Cases.Items[0].CounterpartyName);
        var jans = await Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Sort: "value"), Jan, default));
        Assert.Equal(["Szkolenie wewnętrzne", "Kable południe"], jans.Cases.Items.Select(c => c.Title));
        Assert.Equal(2, jans.Groups["inprogress"]);
        var search = await Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Search: "SERWER"), Manager, default));
        Assert.Equal(["Serwery północ"], search.Cases.Items.Select(c => c.Title));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Sort: "color"), Anna, default)));
        var filtered = await Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Sort: "value",
            Filters: [FieldFilter.Parse("value:gte:7000"), FieldFilter.Parse("counterparty:contains:północ")]), Manager, default));
        Assert.Equal(["Drukarki północ", "Serwery północ"], filtered.Cases.Items.Select(c => c.Title));
        var annasFiltered = await Engine.RunAsync<CaseBook, CaseList>(s => s.ListAsync(new CaseListQuery(Filters: [FieldFilter.Parse("phase:eq:offer")]), Anna, default));
        Assert.Equal(["Serwery północ"], annasFiltered.Cases.Items.Select(c => c.Title));   // still only what she may see
        var internalCase = jans.Cases.Items[0].Id;
        await Assert.ThrowsAsync<NotFoundException>(() => GetAsync(internalCase, Anna));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<NoteBook, Guid>(s => s.CreateAsync(new CreateNoteRequest("podglądam", null, null, null, internalCase), Anna, default)));
    }

    [Fact]
    public async Task CasePage_EditsWithRevision_MovesByHand_AndShowsTheWholeHistory()
    {
        RequireDatabase();
        var company = await CompanyAsync("Historia sp. z o.o.", "north");
        var id = await CaseAsync("Modernizacja sieci", company, "offer", 40_000, Anna);   // not the first phase: no process drives it
        var view = await GetAsync(id, Anna);
        Assert.True(view.CanEdit);
        await Engine.RunAsync<CaseBook>(s => s.UpdateAsync(id, new UpdateCaseRequest(view.Revision, null, 45_000, null, 55, null, null), Anna, default));
        var stale = await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CaseBook>(s => s.UpdateAsync(id, new UpdateCaseRequest(view.Revision, null, 1, null, null, null, null), Anna, default)));
        Assert.Contains("changed this case", stale.Message, StringComparison.Ordinal);
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseBook>(s => s.UpdateAsync(id, new UpdateCaseRequest(view.Revision + 1, " ", -5, "zł", 101, null, "nobody"), Anna, default)));
        Assert.Equal(["currency", "owner", "probability", "title", "value"], bad.Errors.Keys.Order());

        // Admin-defined case fields are edited with the case and land on its history.
        await Engine.RunAsync<CustomFieldService, Guid>(s => s.DefineAsync(new DefineFieldRequest("case", "contract", "Nr umowy", "text", Pattern: "^U/[0-9]+$"), EngineHarness.Admin, default));
        var badContract = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseBook>(s => s.UpdateAsync(id, new UpdateCaseRequest(view.Revision + 1, null, null, null, null, null, null,
            new Dictionary<string, System.Text.Json.JsonElement> { ["contract"] = System.Text.Json.JsonSerializer.SerializeToElement("umowa 7") }), Anna, default)));
        Assert.Equal(["customFields.contract"], badContract.Errors.Keys);
        await Engine.RunAsync<CaseBook>(s => s.UpdateAsync(id, new UpdateCaseRequest(view.Revision + 1, null, null, null, null, null, null,
            new Dictionary<string, System.Text.Json.JsonElement> { ["contract"] = System.Text.Json.JsonSerializer.SerializeToElement("U/7") }), Anna, default));
        Assert.Equal("U/7", (await GetAsync(id, Anna)).CustomFields["contract"]);
        var casesSheet = await Engine.RunAsync<CaseBook, byte[]>(s => s.ExportAsync(new CaseListQuery(Columns: ["cf.contract", "phase", "value"]), Anna, default));
        Assert.Equal(["Title|Nr umowy|Phase|Value", "Modernizacja sieci|U/7|offer|45000"], CustomFieldScenarioTests.ReadSheet(casesSheet));

        // Someone else who sees the company may read the case but not move it.
        var colleague = EngineHarness.User("ola", "north");
        Assert.False((await GetAsync(id, colleague)).CanEdit);
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "negotiation", null, colleague, default)));

        await Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "negotiation", null, Anna, default));
        var lostWithout = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "lost", " ", Anna, default)));
        Assert.Equal(["lostReason"], lostWithout.Errors.Keys);
        await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(company, "meeting", "out", null, 60, "Prezentacja u klienta", null, "done", null, id, null, null), Anna, default));
        Engine.Clock.Advance(TimeSpan.FromMinutes(1));   // the note comes after the meeting (ids made in one millisecond are in no order)
        await Engine.RunAsync<NoteBook, Guid>(s => s.CreateAsync(new CreateNoteRequest("Klient wybrał tańszą ofertę.", null, null, null, id), Anna, default));
        Engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "lost", "cena", Anna, default));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "won", null, Anna, default)));

        var closed = await GetAsync(id, Anna);
        Assert.Equal((CaseOutcome.Lost, CaseGroup.Closed, "cena", 45_000m), (closed.Outcome, closed.Group, closed.LostReason, closed.Value));
        var timeline = await Engine.RunAsync<CaseBook, List<TimelineItem>>(s => s.TimelineAsync(id, Anna, default));
        Assert.Equal(["Case:Created in phase offer", "Case:Changed value: 40000 → 45000; probability: 40 % → 55 %", "Case:Changed Nr umowy: — → U/7", "Case:Moved to negotiation", "Meeting:Prezentacja u klienta",
            "Note:Klient wybrał tańszą ofertę.", "Case:Lost (cena)"], timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => $"{t.Kind}:{t.Title}"));
    }

    [Fact]
    public async Task CaseDrivenByTheSalesCycle_CannotBeMovedByHand_AndItsTasksAreOnTheTimeline()
    {
        RequireDatabase();
        var company = await CompanyAsync("Proces S.A.", "north");
        var id = await CaseAsync("Nowe biuro", company, null, 80_000, Anna);
        var view = await GetAsync(id, Anna);
        Assert.True(view.ProcessRunning);
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CaseBook>(s => s.MoveAsync(id, "offer", null, Anna, default)));
        var qualify = await Engine.TaskAtAsync(view.InstanceId!.Value, "qualify");
        await Engine.CompleteAsync(qualify, new { decision = "continue" }, Anna);
        var timeline = await Engine.RunAsync<CaseBook, List<TimelineItem>>(s => s.TimelineAsync(id, Anna, default));
        Assert.Contains(timeline, t => t.Kind == "Task" && t.Id == qualify.Id && t.Detail == "Completed" && t.Link == $"tasks/{qualify.Id}");
        Assert.Contains(timeline, t => t.Kind == "Task" && t.Detail == "Open");
        var moved = timeline.Single(t => t.Kind == "Case" && t.Title == "Moved to offer");
        Assert.Equal("sales-cycle", moved.Who);
        Assert.Equal(("phase", "offer"), (moved.Event, moved.EventText));   // what a page says in its own language
        Assert.Equal(1, await Engine.RunAsync<CrmDbContext, int>(db => db.Set<CaseEvent>().CountAsync(e => e.CaseId == id && e.Kind == "phase")));
    }

    [Fact]
    public async Task RecentRecords_AreWhatIWorkedOn_AndOnlyWhatIStillSee()
    {
        RequireDatabase();
        var north = await CompanyAsync("Blisko sp. z o.o.", "north");
        var south = await CompanyAsync("Daleko S.A.", "south");
        var deal = await CaseAsync("Nowa linia", north, null, 5_000, Anna);
        var now = DateTimeOffset.UtcNow;
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            // A note anna wrote on a company of her region, and one on a company she no longer sees (another region).
            db.Notes.Add(new CrmNote { CounterpartyId = north, Text = "Zadzwonić po targach", CreatedBy = "anna", CreatedAt = now });
            db.Notes.Add(new CrmNote { CounterpartyId = south, Text = "Stara notatka", CreatedBy = "anna", CreatedAt = now });
            await db.SaveChangesAsync();
        });

        var recent = await Engine.RunAsync<RecentCrmRecords, List<RecentCrmRecord>>(s => s.ListAsync(Anna, 6, default));
        Assert.Contains(recent, r => r is { Kind: "case", Title: "Nowa linia" } && r.Id == deal && r.Href == $"cases/{deal}");
        Assert.Contains(recent, r => r is { Kind: "counterparty", Title: "Blisko sp. z o.o." } && r.Href == $"crm/{north}");
        Assert.DoesNotContain(recent, r => r.Id == south);
        Assert.Equal(recent.OrderByDescending(r => r.At).Select(r => r.Id), recent.Select(r => r.Id));

        // jan did none of it.
        Assert.Empty(await Engine.RunAsync<RecentCrmRecords, List<RecentCrmRecord>>(s => s.ListAsync(Jan, 6, default)));
    }
}

public sealed class CaseBookOnSqliteTests() : CaseBookTests(DatabaseProvider.Sqlite);

public sealed class CaseBookOnPostgreSqlTests() : CaseBookTests(DatabaseProvider.PostgreSql);
