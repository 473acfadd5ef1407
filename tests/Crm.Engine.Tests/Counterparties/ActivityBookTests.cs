using Crm.Workflow.Common;
using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Xunit;

namespace Crm.Engine.Tests.Counterparties;

/// <summary>Planned contacts: overdue first, scoped to visible counterparties, closed by their employee, followed up in a chain.</summary>
public abstract class ActivityBookTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Manager = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "north");
    private static readonly CurrentUser Ola = EngineHarness.User("ola", "north");

    private Task<Guid> CompanyAsync(string name, string region) => Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", name,
        null, null, null, null, null, null, null, ["customer"], region, null, null, null, "PLN", null, null, null), Manager, default));

    private Task<Guid> ActivityAsync(Guid company, string subject, TimeSpan fromNow, string status, CurrentUser user, Guid? previous = null) =>
        Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(company, "call", "out", Engine.Clock.GetUtcNow() + fromNow, null, subject, null,
            status, null, null, previous, null), user, default));

    private Task<PagedList<ActivityListItem>> ListAsync(CurrentUser user, string? show = null, string? employee = null) =>
        Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(new ActivityListQuery(show, employee), user, default));

    [Fact]
    public async Task PlannedActivities_OverdueFirst_ClosedByTheirEmployee_AndFollowedUpInAChain()
    {
        RequireDatabase();
        var north = await CompanyAsync("Północ sp. z o.o.", "north");
        var south = await CompanyAsync("Południe S.A.", "south");
        var late = await ActivityAsync(north, "Oddzwonić w sprawie faktury", TimeSpan.FromDays(-2), "planned", Anna);
        await ActivityAsync(north, "Spotkanie kwartalne", TimeSpan.FromDays(3), "planned", Anna);
        await ActivityAsync(north, "Rozmowa wstępna", TimeSpan.FromDays(-10), "done", Anna);
        await ActivityAsync(north, "Telefon Oli", TimeSpan.FromDays(1), "planned", Ola);
        await ActivityAsync(south, "Poza regionem", TimeSpan.FromDays(-1), "planned", Manager);

        var planned = await ListAsync(Anna);
        Assert.Equal(["Oddzwonić w sprawie faktury:True", "Spotkanie kwartalne:False"], planned.Items.Select(a => $"{a.Subject}:{a.Overdue}"));
        Assert.Equal(["Oddzwonić w sprawie faktury"], (await ListAsync(Anna, "overdue")).Items.Select(a => a.Subject));
        Assert.Equal(3, (await ListAsync(Anna, "planned", "*")).Total);    // hers and Ola's in her region; not the south's
        Assert.Equal(4, (await ListAsync(Manager, "planned", "*")).Total);
        await Assert.ThrowsAsync<ValidationFailedException>(() => ListAsync(Anna, "someday"));

        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ActivityBook>(s => s.SetStatusAsync(late, "done", 15, Ola, default)));
        await Engine.RunAsync<ActivityBook>(s => s.SetStatusAsync(late, "done", 15, Anna, default));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ActivityBook>(s => s.SetStatusAsync(late, "cancelled", null, Anna, default)));
        var next = await Engine.RunAsync<ActivityBook, Guid>(s => s.PlanFollowUpAsync(late, null, Engine.Clock.GetUtcNow().AddDays(7), "Sprawdzić wpłatę", Anna, default));
        var done = (await ListAsync(Anna, "done")).Items.Single(a => a.Id == late);
        Assert.Equal((15, true), (done.DurationMinutes, done.HasFollowUp));
        var followUp = (await ListAsync(Anna)).Items.Single(a => a.Id == next);
        Assert.Equal((late, ActivityStatus.Planned, north), (followUp.PreviousActivityId!.Value, followUp.Status, followUp.CounterpartyId));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ActivityBook, Guid>(s => s.PlanFollowUpAsync(late, null, null, "Bez daty", Anna, default)));

        // Filters on any field, and the export of the same rows.
        ActivityListQuery Query(params string[] filters) => new("all", "*", null, 1, 50, [.. filters.Select(Crm.Modules.Counterparties.Fields.FieldFilter.Parse)]);
        var calls = await Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(Query("subject:contains:faktur", "status:eq:done", "type:eq:call"), Anna, default));
        Assert.Equal(["Oddzwonić w sprawie faktury"], calls.Items.Select(a => a.Subject));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(Query("type:eq:telegram"), Anna, default)));
        var sheet = await Engine.RunAsync<ActivityBook, byte[]>(s => s.ExportAsync(Query("durationMinutes:gte:15", "status:ne:planned"), Anna, default));
        Assert.Equal(2, CustomFieldScenarioTests.ReadSheet(sheet).Count);   // the header and the call closed with 15 minutes

        // Sorted on a column, and exported in the columns the user chose (kept per user).
        var bySubject = await Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(Query() with { Sort = "subject" }, Anna, default));
        Assert.Equal(bySubject.Items.Select(a => a.Subject).Order(StringComparer.Ordinal), bySubject.Items.Select(a => a.Subject));
        var byMinutes = await Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(Query() with { Sort = "durationMinutes", Descending = true }, Anna, default));
        Assert.Equal(15, byMinutes.Items[0].DurationMinutes);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ActivityBook, PagedList<ActivityListItem>>(s => s.ListAsync(Query() with { Sort = "colour" }, Anna, default)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<ActivityBook>(s => s.SaveColumnsAsync(Anna, ["counterparty", "shoeSize"], default)));
        await Engine.RunAsync<ActivityBook>(s => s.SaveColumnsAsync(Anna, ["counterparty", "durationMinutes"], default));
        var columns = await Engine.RunAsync<ActivityBook, IReadOnlyList<string>?>(s => s.SavedColumnsAsync(Anna, default));
        Assert.Equal(["counterparty", "durationMinutes"], columns!);
        var chosen = await Engine.RunAsync<ActivityBook, byte[]>(s => s.ExportAsync(Query("durationMinutes:gte:15") with { Columns = columns }, Anna, default));
        Assert.Equal(["Subject|Counterparty|Minutes|Overdue", "Oddzwonić w sprawie faktury|Północ sp. z o.o.|15|0"], CustomFieldScenarioTests.ReadSheet(chosen));

        // A chain stays with one counterparty.
        var wrongChain = await Assert.ThrowsAsync<ValidationFailedException>(() => ActivityAsync(south, "Obca kontynuacja", TimeSpan.FromDays(1), "planned", Manager, previous: late));
        Assert.Equal(["previousActivityId"], wrongChain.Errors.Keys);
    }
}

public sealed class ActivityBookOnSqliteTests() : ActivityBookTests(DatabaseProvider.Sqlite);

public sealed class ActivityBookOnPostgreSqlTests() : ActivityBookTests(DatabaseProvider.PostgreSql);
