using Crm.Modules.Service;
using Crm.Platform.Identity;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Crm.Workflows.ServiceTicket;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests.Service;

/// <summary>
/// Tickets through the service-ticket process with SLA clocks in working time: across Christmas Eve, Christmas and a
/// weekend, paused while waiting for the customer, warned at 80 %, breached and escalated to the group's lead; the
/// queue by time to breach; statistics.
/// </summary>
public abstract class TicketScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Jan = EngineHarness.User("jan", "office");
    private static readonly CurrentUser Anna = EngineHarness.User("anna", "sales");

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private async Task SetUpDeskAsync()
    {
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            var marek = await db.Users.Where(u => u.UserName == "marek").Select(u => u.Id).SingleAsync();
            (await db.Groups.SingleAsync(g => g.Name == "office")).LeadUserId = marek;
            await db.SaveChangesAsync();
        });
        await Engine.RunAsync<ServiceSettingsService, SlaPolicyView>(s => s.SavePolicyAsync(null, new SlaPolicyRequest("Software, any tier", "software", null, 60, 480), EngineHarness.Admin, default));
        await Engine.RunAsync<ServiceSettingsService, SlaPolicyView>(s => s.SavePolicyAsync(null, new SlaPolicyRequest("Hardware", "hardware", null, 30, 240), EngineHarness.Admin, default));
    }

    /// <summary>Moves the clock to an instant (runs due jobs).</summary>
    private Task<int> AtAsync(DateTimeOffset at) => Engine.AdvanceAsync(at - Engine.Clock.GetUtcNow());

    private Task<TicketView> GetAsync(Guid id) => Engine.RunAsync<TicketBook, TicketView>(s => s.GetAsync(id, Jan, default));

    private async Task WorkAsync(Guid instance, string element, object variables)
    {
        var task = await Engine.TaskAtAsync(instance, element);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(task.Id, Jan, default));
        await Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(task.Id, EngineHarness.Vars(variables), Jan, default));
    }

    /// <summary>The SLA mails (reminders and escalations; task-created mails are not about the SLA).</summary>
    private Task<List<Notification>> MailsAsync() => Engine.RunAsync<CrmDbContext, List<Notification>>(db => db.Notifications.AsNoTracking()
        .Where(n => n.Kind == NotificationKind.Reminder || n.Kind == NotificationKind.Escalation).OrderBy(n => n.CreatedAt).ToListAsync());

    [Fact]
    public async Task SlaClock_AcrossHolidaysAndAWeekend_PausedForTheCustomer_WarnsAt80Percent_AndEscalatesTheBreach()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        Engine.Clock.Advance(Utc(2026, 12, 23, 12) - Engine.Clock.GetUtcNow());   // Wednesday 23 Dec, 13:00 in Warsaw
        var registered = await Engine.RunAsync<RegisterTicket, RegisteredTicket>(s => s.RunAsync(
            new RegisterTicketRequest("Program nie drukuje faktur", "Od rana błąd przy wydruku.", null, null, "software", "high", 2, 3), Jan, default));
        Assert.Equal("SRV/2026/00001", registered.Number);
        Assert.Equal(Utc(2026, 12, 23, 13), registered.ReactionDueAt);
        // 3 working hours on Wednesday; Christmas Eve, Christmas Day and the weekend are off; 5 more hours on Monday 28 Dec.
        Assert.Equal(Utc(2026, 12, 28, 12), registered.ResolutionDueAt);
        var instance = (await GetAsync(registered.Id)).InstanceId!.Value;

        // First response after 30 minutes: within the reaction target, no warning (80 % = 48 minutes).
        await AtAsync(Utc(2026, 12, 23, 12, 30));
        await WorkAsync(instance, TicketProcess.RespondTaskId, new { response = "Sprawdzamy, prosimy o zrzut ekranu." });
        var responded = await GetAsync(registered.Id);
        Assert.Equal((TicketStage.InProgress, 30.0, false, "jan"), (responded.Stage, responded.ReactionMinutes, responded.ReactionBreached, responded.Assignee));

        // Waiting for the customer from 14:00: 60 working minutes used; the clock stops over the holidays.
        await AtAsync(Utc(2026, 12, 23, 13));
        await WorkAsync(instance, TicketProcess.WorkTaskId, new { outcome = "waiting-for-customer", note = "Prosimy o zrzut ekranu błędu." });
        var waiting = await GetAsync(registered.Id);
        Assert.Equal((TicketStage.WaitingForCustomer, 60.0, (DateTimeOffset?)null, true), (waiting.Stage, waiting.ResolutionUsedMinutes, waiting.ResolutionDueAt, waiting.AwaitsCustomer));
        var queue = await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office"), Jan, default));
        Assert.Null(Assert.Single(queue.Items).DueAt);   // paused: no due instant, last in the queue

        // The customer answers on Monday 28 Dec at 10:00: 4 working hours paused; 420 minutes left: due Tuesday 9:00.
        await AtAsync(Utc(2026, 12, 28, 9));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<IServiceTicketProcess>(s => s.CustomerRepliedAsync(registered.Id, "x", Anna, default)));
        await Engine.RunAsync<IServiceTicketProcess>(s => s.CustomerRepliedAsync(registered.Id, "Zrzut ekranu w załączniku.", Jan, default));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<IServiceTicketProcess>(s => s.CustomerRepliedAsync(registered.Id, "again", Jan, default)));
        var resumed = await GetAsync(registered.Id);
        Assert.Equal((TicketStage.InProgress, 240.0, Utc(2026, 12, 29, 8)), (resumed.Stage, resumed.PausedMinutes, resumed.ResolutionDueAt));
        Assert.Empty(await MailsAsync());

        // 80 % (384 minutes) is reached at 15:24: the lead (marek) is reminded once.
        await AtAsync(Utc(2026, 12, 28, 14, 30));
        var reminder = Assert.Single(await MailsAsync());
        Assert.Equal((NotificationKind.Reminder, "marek"), (reminder.Kind, reminder.Recipient));
        Assert.False((await GetAsync(registered.Id)).ResolutionBreached);

        // Tuesday 9:00 passes: breached, escalated to the lead.
        await AtAsync(Utc(2026, 12, 29, 8, 30));
        var breached = await GetAsync(registered.Id);
        Assert.True(breached.ResolutionBreached);
        Assert.Contains(await MailsAsync(), n => n.Kind == NotificationKind.Escalation && n.Recipient == "marek");
        var history = await Engine.RunAsync<TicketBook, List<TicketHistoryItem>>(s => s.HistoryAsync(registered.Id, Jan, default));
        Assert.Contains(history, h => h.Kind == "sla-breach" && h.Text.StartsWith("resolution", StringComparison.Ordinal));

        // Resolved at 9:30: 60 + 360 + 90 working minutes; it leaves the queue and closes itself three days later.
        await WorkAsync(instance, TicketProcess.WorkTaskId, new { outcome = "resolved", note = "Zaktualizowano sterownik drukarki." });
        var resolved = await GetAsync(registered.Id);
        Assert.Equal((TicketStage.Resolved, 510.0), (resolved.Stage, resolved.HandlingMinutes));
        Assert.Empty((await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office"), Jan, default))).Items);
        await Engine.AdvanceAsync(TimeSpan.FromDays(3));
        Assert.Equal(TicketStage.Closed, (await GetAsync(registered.Id)).Stage);
        Assert.Equal("Completed", (await Engine.InstanceAsync(instance)).State);

        var stats = await Engine.RunAsync<TicketBook, TicketStats>(s => s.StatsAsync("classification", null, null, Jan, default));
        var row = Assert.Single(stats.Rows);
        Assert.Equal(("software", 1, 30.0, 510.0, 1.0), (row.Key, row.Tickets, row.AverageReactionMinutes, row.AverageHandlingMinutes, row.BreachRate));
    }

    [Fact]
    public async Task Queue_ShowsTheGroupsOpenTickets_BreachedAndNearestFirst_AndOnlyToThoseWhoMaySee()
    {
        RequireDatabase();
        await SetUpDeskAsync();
        Engine.Clock.Advance(Utc(2026, 11, 24, 8) - Engine.Clock.GetUtcNow());   // Tuesday, 9:00 in Warsaw
        Task<RegisteredTicket> Register(string subject, string classification) => Engine.RunAsync<RegisterTicket, RegisteredTicket>(s => s.RunAsync(
            new RegisterTicketRequest(subject, null, null, null, classification, null, null, null), Jan, default));
        var software = await Register("Oprogramowanie", "software");   // reaction due 10:00
        var hardware = await Register("Drukarka", "hardware");         // reaction due 9:30
        var other = await Register("Pytanie", "other");                // no policy: 4 working hours
        var numbers = (await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office"), Jan, default))).Items.Select(t => t.Number);
        Assert.Equal([hardware.Number, software.Number, other.Number], numbers);

        // The hardware ticket misses its reaction target: breached, still first; the lead is told.
        await Engine.AdvanceAsync(TimeSpan.FromMinutes(40));
        var queue = (await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office"), Jan, default))).Items;
        Assert.True(queue[0].ReactionBreached);
        Assert.True(queue[0].Used > 1);
        Assert.Equal(hardware.Number, queue[0].Number);
        Assert.Equal([hardware.Number], (await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office", Breached: true), Jan, default))).Items.Select(t => t.Number));

        // Anna (sales) is not in the office group: the tickets are not hers to see.
        Assert.Empty((await Engine.RunAsync<TicketBook, PagedList<TicketListItem>>(s => s.ListAsync(new TicketQuery("office"), Anna, default))).Items);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<TicketBook, TicketView>(s => s.GetAsync(software.Id, Anna, default)));

        // Bad input names the fields; a task cannot point the process at another ticket.
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<RegisterTicket, RegisteredTicket>(s => s.RunAsync(
            new RegisterTicketRequest("", null, null, null, "weather", "urgent!", 7, 0), Jan, default)));
        Assert.Equal(["classification", "impact", "priority", "subject", "urgency"], bad.Errors.Keys.Order());
        var respond = await Engine.TaskAtAsync((await GetAsync(software.Id)).InstanceId!.Value, TicketProcess.RespondTaskId);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(respond.Id, Jan, default));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(respond.Id,
            EngineHarness.Vars(new { response = "ok", ticketId = hardware.Id }), Jan, default)));

        // A ticket turned into a complaint is linked to it.
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            db.Groups.Add(new Group { Name = "complaints", DisplayName = "Complaints" });
            db.Groups.Add(new Group { Name = "process-owners", DisplayName = "Process owners" });
            await db.SaveChangesAsync();
        });
        var complaint = await Engine.RunAsync<TicketLinks, Crm.Modules.Complaints.RegisteredComplaint>(s => s.TurnIntoComplaintAsync(other.Id, "refund", Jan, default));
        Assert.Equal(complaint.Number, (await GetAsync(other.Id)).ComplaintNumber);
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<TicketLinks, Crm.Modules.Complaints.RegisteredComplaint>(s => s.TurnIntoComplaintAsync(other.Id, null, Jan, default)));
    }
}

public sealed class TicketScenarioOnSqliteTests() : TicketScenarioTests(DatabaseProvider.Sqlite);

public sealed class TicketScenarioOnPostgreSqlTests() : TicketScenarioTests(DatabaseProvider.PostgreSql);
