using Crm.Modules.Complaints;
using Crm.Modules.Counterparties;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Identity;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Crm.Workflows.ComplaintHandling;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests.Complaints;

/// <summary>
/// Complaints through their process: numbers, deadline, four eyes above the threshold, answer, resolution, close; the
/// deadline timer that warns the group's lead and accepts by default; costs and their report; who may see what.
/// </summary>
public abstract class ComplaintScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    // Anna registers and handles (complaints desk); Marek leads the desk; the boss approves above the threshold.
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "complaints", "north");
    private static readonly CurrentUser Marek = EngineHarness.User("marek", "complaints");
    private static readonly CurrentUser Boss = EngineHarness.User("boss", "process-owners");
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "south");

    private async Task SetUpDeskAsync()
    {
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            var marek = await db.Users.Where(u => u.UserName == "marek").Select(u => u.Id).SingleAsync();
            db.Groups.Add(new Group { Name = "complaints", DisplayName = "Complaints desk", LeadUserId = marek });
            db.Groups.Add(new Group { Name = "process-owners", DisplayName = "Process owners" });
            await db.SaveChangesAsync();
        });
    }

    private Task<Guid> CompanyAsync(string name, string region) => Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name,
        null, null, null, null, null, null, null, ["customer"], region, null, null, null, "PLN", null, null, null), EngineHarness.Owner, default));

    private static RegisterComplaintRequest Request(Guid? company, string kind = "consumer", decimal claimed = 0, DateOnly? received = null) => new(
        "Pęknięta obudowa", company, null, kind, "product", null, null, "PX-100", "Pralka PX-100", null, received, "email",
        "Obudowa pękła po tygodniu używania.", "refund", claimed);

    private Task<RegisteredComplaint> RegisterAsync(RegisterComplaintRequest request, CurrentUser? user = null) =>
        Engine.RunAsync<RegisterComplaint, RegisteredComplaint>(s => s.RunAsync(request, user ?? Anna, default));

    private Task<ComplaintView> GetAsync(Guid id, CurrentUser? user = null) => Engine.RunAsync<ComplaintBook, ComplaintView>(s => s.GetAsync(id, user ?? Anna, default));

    private async Task<TaskView> WorkAsync(Guid instance, string element, object? variables, CurrentUser user)
    {
        Engine.Clock.Advance(TimeSpan.FromMinutes(1));   // each step at its own time: the history is in order
        var task = await Engine.TaskAtAsync(instance, element);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(task.Id, user, default));
        return await Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(task.Id, EngineHarness.Vars(variables), user, default));
    }

    [Fact]
    public async Task Complaint_ThroughTheWholeProcess_WithExpertiseFourEyesAnswerResolutionAndClose()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        var company = await CompanyAsync("Agroex sp. z o.o.", "north");
        var first = await RegisterAsync(Request(company, claimed: 4_000));
        var second = await RegisterAsync(Request(company, kind: "business", claimed: 100));
        Assert.Equal("REK/2026/00001", first.Number);
        Assert.Equal("REK/2026/00002", second.Number);
        Assert.Equal(new DateOnly(2026, 12, 7), first.Deadline);     // received 23 Nov + 14 days (consumer)
        Assert.Equal(new DateOnly(2026, 12, 23), second.Deadline);   // + 30 days (business, the default)

        var complaint = await GetAsync(first.Id);
        Assert.Equal((ComplaintStatus.Open, "complaints", true), (complaint.Status, complaint.HandlingGroup, complaint.ProcessRunning));
        var instance = complaint.InstanceId!.Value;

        // A cost pushes the claim over the four-eyes threshold (5 000 PLN).
        Engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await Engine.RunAsync<ComplaintCosts, Guid>(s => s.AddAsync(first.Id, new AddComplaintCostRequest("expertise", 1_500, null, null, "Rzeczoznawca"), Anna, default));

        // The analysis asks for the supplier's expertise; the process waits for it until the page says it arrived.
        await WorkAsync(instance, ComplaintProcess.AnalyseTaskId, new { findings = "Wada materiału?", needsExpertise = true }, Anna);
        Assert.Contains("awaitExpertise", (await Engine.InstanceAsync(instance)).ActiveElementIds);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<IComplaintProcess>(s => s.ExpertiseReceivedAsync(first.Id, "x", Jan, default)));
        Engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await Engine.RunAsync<IComplaintProcess>(s => s.ExpertiseReceivedAsync(first.Id, "Wada fabryczna potwierdzona", Anna, default));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<IComplaintProcess>(s => s.ExpertiseReceivedAsync(first.Id, "again", Anna, default)));

        // Anna accepts: 4 000 + 1 500 > 5 000, so the approver group gets the task and Anna may not take it.
        await WorkAsync(instance, ComplaintProcess.DecideTaskId, new { decision = "accepted", justification = "Wada fabryczna." }, Anna);
        Assert.Equal((ComplaintStatus.Decided, ComplaintDecision.Accepted, "anna"), ((await GetAsync(first.Id)).Status, (await GetAsync(first.Id)).Decision, (await GetAsync(first.Id)).DecidedBy));
        var approve = await Engine.TaskAtAsync(instance, ComplaintProcess.ApproveTaskId);
        var annaApproving = EngineHarness.User("anna", "complaints", "process-owners");
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(approve.Id, annaApproving, default)));
        Assert.Contains("Four eyes", refused.Message, StringComparison.Ordinal);
        // The boss returns it once: the decision is undone and made again.
        await WorkAsync(instance, ComplaintProcess.ApproveTaskId, new { approved = "no", approvalComment = "Najpierw negocjuj naprawę." }, Boss);
        Assert.Equal(ComplaintDecision.None, (await GetAsync(first.Id)).Decision);
        await WorkAsync(instance, ComplaintProcess.DecideTaskId, new { decision = "accepted", justification = "Naprawa niemożliwa, zwrot." }, Anna);
        await WorkAsync(instance, ComplaintProcess.ApproveTaskId, new { approved = "yes" }, Boss);
        Assert.Equal("boss", (await GetAsync(first.Id)).ApprovedBy);

        await WorkAsync(instance, ComplaintProcess.AnswerTaskId, new { answerChannel = "letter", answerText = "Uznajemy reklamację." }, Anna);
        Assert.Equal(ComplaintStatus.Answered, (await GetAsync(first.Id)).Status);
        await WorkAsync(instance, ComplaintProcess.ResolveTaskId, new { resolution = "Zwrot 4 000 zł przelewem." }, Anna);
        var closed = await GetAsync(first.Id);
        Assert.Equal((ComplaintStatus.Closed, "Zwrot 4 000 zł przelewem.", false, false), (closed.Status, closed.Resolution, closed.ProcessRunning, closed.CanEdit));
        Assert.Equal([new ComplaintCostTotal("PLN", 1_500)], closed.Totals);

        // The whole history, newest first, and the same steps on the company's timeline.
        var history = await Engine.RunAsync<ComplaintBook, List<ComplaintHistoryItem>>(s => s.HistoryAsync(first.Id, Anna, default));
        var kinds = history.Select(h => h.Kind).Reverse().ToList();
        Assert.Equal(["classified", "registered"], kinds.Take(2).Order(StringComparer.Ordinal));   // one commit
        Assert.Equal(["cost", "analysed", "expertise", "decided", "returned", "decided", "approved", "answered", "resolved", "closed"], kinds.Skip(2));
        var timeline = await Engine.RunAsync<CrmActivityService, List<TimelineItem>>(s => s.TimelineAsync(company, null, Anna, default));
        Assert.Contains(timeline, t => t.Kind == "Complaint" && t.Title.StartsWith("REK/2026/00001", StringComparison.Ordinal) && t.Detail!.StartsWith("closed", StringComparison.Ordinal));

        // Closed: no more edits or costs.
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ComplaintCosts, Guid>(s => s.AddAsync(first.Id, new AddComplaintCostRequest("transport", 10, null, null, null), Anna, default)));
    }

    [Fact]
    public async Task DeadlineTimer_WarnsTheGroupLead_ThenAcceptsByDefault_AndTheResolutionStillFollows()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        var registered = await RegisterAsync(Request(null));
        var instance = (await GetAsync(registered.Id)).InstanceId!.Value;
        // Deadline 7 Dec (end of day in Poland); the lead is warned 3 days before, at 8:00.
        await Engine.AdvanceAsync(TimeSpan.FromDays(11));   // 4 Dec 08:00 UTC
        var warned = await Engine.RunAsync<CrmDbContext, List<Notification>>(db => db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.Escalation).ToListAsync());
        Assert.Equal("marek", Assert.Single(warned).Recipient);
        Assert.Equal(ComplaintDecision.None, (await GetAsync(registered.Id)).Decision);
        Assert.Contains("analyse", (await Engine.InstanceAsync(instance)).ActiveElementIds);

        await Engine.AdvanceAsync(TimeSpan.FromDays(4));    // 8 Dec: the deadline day is over
        var accepted = await GetAsync(registered.Id);
        Assert.Equal((ComplaintDecision.AcceptedByDefault, ComplaintStatus.Decided), (accepted.Decision, accepted.Status));
        Assert.DoesNotContain(await Engine.OpenTasksAsync(instance), t => t.ElementId == ComplaintProcess.AnalyseTaskId);
        await WorkAsync(instance, ComplaintProcess.ResolveTaskId, new { resolution = "Wymiana na nowy egzemplarz." }, Marek);
        Assert.Equal(ComplaintStatus.Closed, (await GetAsync(registered.Id)).Status);
        var overdue = await Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(new ComplaintListQuery(Overdue: true), Anna, default));
        Assert.Empty(overdue.Items);   // closed complaints are not overdue
    }

    [Fact]
    public async Task Register_BadInput_NamesEveryField_StoresNothing_AndOnlyVisibleLinksAreAccepted()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => RegisterAsync(new RegisterComplaintRequest(" ", null, null, "alien", "sale", null, null, null, null, null,
            new DateOnly(2030, 1, 1), "pigeon", "", "everything", -5, "PL")));
        Assert.Equal(["againstNumber", "channel", "claimedAmount", "currency", "defectDescription", "demand", "kind", "receivedOn", "subject"], bad.Errors.Keys.Order());
        Assert.Equal(0, await Engine.RunAsync<CrmDbContext, int>(db => db.Complaints.CountAsync()));

        // Jan (south) cannot file a complaint for a north company he does not see, nor read one.
        var north = await CompanyAsync("Północ sp. z o.o.", "north");
        await Assert.ThrowsAsync<NotFoundException>(() => RegisterAsync(Request(north), Jan));
        var annas = await RegisterAsync(Request(north));
        await Assert.ThrowsAsync<NotFoundException>(() => GetAsync(annas.Id, Jan));
        Assert.Empty((await Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(new ComplaintListQuery(), Jan, default))).Items);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<ComplaintCosts, Guid>(s => s.AddAsync(annas.Id, new AddComplaintCostRequest("transport", 10, null, null, null), Jan, default)));
        Assert.Empty((await Engine.RunAsync<ComplaintCosts, ComplaintCostReport>(s => s.ReportAsync("type", null, null, Jan, default))).Groups);

        // A task completion cannot point the process at another complaint.
        var instance = (await GetAsync(annas.Id)).InstanceId!.Value;
        var analyse = await Engine.TaskAtAsync(instance, ComplaintProcess.AnalyseTaskId);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(analyse.Id, Anna, default));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(analyse.Id,
            EngineHarness.Vars(new { findings = "x", complaintId = Guid.NewGuid() }), Anna, default)));

        // The admin's pattern and deadlines apply to the next complaint.
        var settings = await Engine.RunAsync<ComplaintSettingsService, ComplaintSettingsView>(s => s.GetAsync(default));
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ComplaintSettingsService, ComplaintSettingsView>(s => s.SaveAsync(settings, Anna, default)));
        var noSequence = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintSettingsService, ComplaintSettingsView>(s => s.SaveAsync(
            settings with { NumberPattern = "R/{yyyy}" }, EngineHarness.Admin, default)));
        Assert.Contains("numberPattern", noSequence.Errors.Keys);
        var noYear = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintSettingsService, ComplaintSettingsView>(s => s.SaveAsync(
            settings with { NumberPattern = "R/{n}" }, EngineHarness.Admin, default)));
        Assert.Contains("year", noYear.Errors["numberPattern"][0], StringComparison.Ordinal);
        await Engine.RunAsync<ComplaintSettingsService, ComplaintSettingsView>(s => s.SaveAsync(settings with { NumberPattern = "R-{yy}-{n:000}", ConsumerDays = 21 }, EngineHarness.Admin, default));
        var next = await RegisterAsync(Request(null));
        Assert.Equal(("R-26-002", new DateOnly(2026, 12, 14)), (next.Number, next.Deadline));
    }

    [Fact]
    public async Task TwoRegistrationsAtOnce_GetConsecutiveNumbers_AndBothProcessesRun()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        var registered = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RegisterAsync(Request(null))));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"REK/2026/{i:00000}"), registered.Select(r => r.Number).Order(StringComparer.Ordinal));
        foreach (var complaint in registered)
        {
            var instance = (await GetAsync(complaint.Id)).InstanceId!.Value;
            Assert.Contains("analyse", (await Engine.InstanceAsync(instance)).ActiveElementIds);
        }

        // The next step works for each of them.
        await WorkAsync((await GetAsync(registered[0].Id)).InstanceId!.Value, ComplaintProcess.AnalyseTaskId, new { findings = "ok", needsExpertise = false }, Anna);
        Assert.Contains("decide", (await Engine.InstanceAsync((await GetAsync(registered[0].Id)).InstanceId!.Value)).ActiveElementIds);
    }

    [Fact]
    public async Task Costs_AreValidatedTotalledAndReportedPerCustomerProductTypeAndMonth_AndEditsLandInTheHistory()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        var agroex = await CompanyAsync("Agroex sp. z o.o.", "north");
        var budmat = await CompanyAsync("Budmat S.A.", "north");
        var a = await RegisterAsync(Request(agroex));
        var b = await RegisterAsync(Request(budmat) with { ProductName = "Zmywarka Z-5", ProductCode = "Z-5" });
        var badCost = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintCosts, Guid>(s => s.AddAsync(a.Id,
            new AddComplaintCostRequest("lunch", 0, "EURO", null, null), Anna, default)));
        Assert.Equal(["amount", "currency", "type"], badCost.Errors.Keys.Order());
        foreach (var (id, type, amount, on) in new[] { (a.Id, "transport", 120m, new DateOnly(2026, 10, 5)), (a.Id, "labour", 300m, new DateOnly(2026, 11, 20)),
                     (b.Id, "transport", 80m, new DateOnly(2026, 11, 21)) })
        {
            await Engine.RunAsync<ComplaintCosts, Guid>(s => s.AddAsync(id, new AddComplaintCostRequest(type, amount, "PLN", on, null), Anna, default));
        }

        var byType = await Engine.RunAsync<ComplaintCosts, ComplaintCostReport>(s => s.ReportAsync("type", null, null, Anna, default));
        Assert.Equal(["labour:300:1", "transport:200:2"], byType.Groups.Select(g => $"{g.Key}:{g.Amount:0}:{g.Complaints}"));
        var byCustomer = await Engine.RunAsync<ComplaintCosts, ComplaintCostReport>(s => s.ReportAsync("customer", null, null, Anna, default));
        Assert.Equal(["Agroex sp. z o.o.:420", "Budmat S.A.:80"], byCustomer.Groups.Select(g => $"{g.Key}:{g.Amount:0}"));
        var byMonth = await Engine.RunAsync<ComplaintCosts, ComplaintCostReport>(s => s.ReportAsync("month", new DateOnly(2026, 11, 1), null, Anna, default));
        Assert.Equal(["2026-11:380"], byMonth.Groups.Select(g => $"{g.Key}:{g.Amount:0}"));
        var byProduct = await Engine.RunAsync<ComplaintCosts, ComplaintCostReport>(s => s.ReportAsync("product", null, null, Anna, default));
        Assert.Equal(["Pralka PX-100:420", "Zmywarka Z-5:80"], byProduct.Groups.Select(g => $"{g.Key}:{g.Amount:0}"));
        var excel = await Engine.RunAsync<ComplaintCosts, byte[]>(s => s.ExportAsync("customer", null, null, Anna, default));
        Assert.True(excel.Length > 100);

        // Edits: a stale revision is refused; a change is in the history with before and after.
        var view = await GetAsync(a.Id);
        await Engine.RunAsync<ComplaintEditing>(s => s.UpdateAsync(a.Id, new UpdateComplaintRequest(view.Revision, null, null, null, null, "Pralka PX-200", null, null, 250, null), Anna, default));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ComplaintEditing>(s => s.UpdateAsync(a.Id,
            new UpdateComplaintRequest(view.Revision, "Stale", null, null, null, null, null, null, null, null), Marek, default)));
        var history = await Engine.RunAsync<ComplaintBook, List<ComplaintHistoryItem>>(s => s.HistoryAsync(a.Id, Anna, default));
        Assert.Contains(history, h => h.Kind == "edited" && h.Text == "productName: Pralka PX-100 → Pralka PX-200" && h.By == "anna");
        Assert.Contains(history, h => h.Kind == "edited" && h.Text == "claimedAmount: 0 → 250");
        var list = await Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(new ComplaintListQuery(Search: "px-200"), Anna, default));
        Assert.Equal(420, Assert.Single(list.Items).Costs);
        // Filters on any field, as on the other CRM lists.
        var filtered = await Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(new ComplaintListQuery(Filters:
            [FieldFilter.Parse("productName:contains:px-200"), FieldFilter.Parse("status:eq:open"), FieldFilter.Parse("receivedOn:gte:2026-11-01"),
             FieldFilter.Parse("claimedAmount:gt:100"), FieldFilter.Parse("kind:ne:business")]), Anna, default));
        Assert.Equal(a.Number, Assert.Single(filtered.Items).Number);
        Assert.Empty((await Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(new ComplaintListQuery(Filters:
            [FieldFilter.Parse("deadline:lt:2026-11-30")]), Anna, default))).Items);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(
            new ComplaintListQuery(Filters: [FieldFilter.Parse("status:eq:lost")]), Anna, default)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintBook, Crm.Workflow.Processes.PagedList<ComplaintListItem>>(s => s.ListAsync(
            new ComplaintListQuery(Filters: [FieldFilter.Parse("secret:eq:x")]), Anna, default)));
        var export = await Engine.RunAsync<ComplaintBook, byte[]>(s => s.ExportAsync(new ComplaintListQuery(), ["counterparty", "costs"], Anna, default));
        Assert.True(export.Length > 100);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ComplaintBook, byte[]>(s => s.ExportAsync(new ComplaintListQuery(), ["secret"], Anna, default)));
    }
}

public sealed class ComplaintScenarioOnSqliteTests() : ComplaintScenarioTests(DatabaseProvider.Sqlite);

public sealed class ComplaintScenarioOnPostgreSqlTests() : ComplaintScenarioTests(DatabaseProvider.PostgreSql);
