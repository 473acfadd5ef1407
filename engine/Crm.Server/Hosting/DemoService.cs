using Crm.Modules.Service;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Server.Hosting;

/// <summary>
/// The service desk for the run command: SLA policies and tickets registered through the real process at moments in
/// the past chosen in working time, so the queue shows one fresh ticket, one past its 80 % warning, one breached,
/// one waiting for the customer, one in progress and one resolved. Loaded once, on a database without tickets.
/// </summary>
internal static class DemoService
{
    public static async Task LoadAsync(IServiceProvider services)
    {
        await using (var check = services.CreateAsyncScope())
        {
            var db = check.ServiceProvider.GetRequiredService<CrmDbContext>();
            if (await db.Tickets.AnyAsync() || !await db.Groups.AnyAsync(g => g.Name == "office"))
            {
                return;
            }

            db.SlaPolicies.AddRange(
                new SlaPolicy { Name = "Sprzęt — klienci kluczowi", Classification = "hardware", CustomerTier = "A", ReactionMinutes = 30, ResolutionMinutes = 240 },
                new SlaPolicy { Name = "Sprzęt", Classification = "hardware", ReactionMinutes = 60, ResolutionMinutes = 480 },
                new SlaPolicy { Name = "Oprogramowanie", Classification = "software", ReactionMinutes = 120, ResolutionMinutes = 960 },
                new SlaPolicy { Name = "Rozliczenia", Classification = "billing", ReactionMinutes = 240, ResolutionMinutes = 1440 });
            await db.SaveChangesAsync();
        }

        var jan = new CurrentUser(Guid.Empty, "jan", new HashSet<string> { Roles.Staff }, new HashSet<string> { "office" });
        var now = DateTimeOffset.UtcNow;
        var calendar = new BusinessCalendar(BusinessCalendar.OfficeHours, []);
        // (subject, classification, working minutes ago, steps taken since)
        var tickets = new (string Subject, string Classification, double Ago, string[] Steps)[]
        {
            ("Drukarka w księgowości nie drukuje", "hardware", 10, []),
            ("Błąd licencji programu magazynowego", "software", 100, []),
            ("Awaria serwera plików", "hardware", 90, []),
            ("Faktura z błędną stawką VAT", "billing", 200, ["respond", "wait"]),
            ("Instalacja skanera w recepcji", "installation", 200, ["respond"]),
            ("Reset hasła do portalu", "software", 900, ["respond", "resolve"]),
        };
        foreach (var (subject, classification, ago, steps) in tickets)
        {
            var registered = await RegisterAtAsync(services, WorkingMinutesBefore(calendar, now, ago),
                new RegisterTicketRequest(subject, "Zgłoszenie telefoniczne: " + subject.ToLowerInvariant() + ".", null, null, classification, "normal", 2, 2), jan);
            foreach (var step in steps)
            {
                var (element, variables) = step switch
                {
                    "respond" => ("respond", (object)new { response = "Przyjęliśmy zgłoszenie, zajmujemy się nim." }),
                    "wait" => ("work", new { outcome = "waiting-for-customer", note = "Prosimy o numer faktury korygowanej." }),
                    _ => ("work", new { outcome = "resolved", note = "Hasło zresetowane, link wysłany." }),
                };
                await WorkAsync(services, registered.Id, element, variables, jan);
            }
        }
    }

    /// <summary>The instant that lies the given working minutes before now (searched, the calendar being monotone).</summary>
    private static DateTimeOffset WorkingMinutesBefore(BusinessCalendar calendar, DateTimeOffset now, double minutes)
    {
        DateTimeOffset low = now.AddDays(-30), high = now;
        for (var i = 0; i < 40; i++)
        {
            var middle = low + ((high - low) / 2);
            if (calendar.WorkingMinutesBetween(middle, now) > minutes) low = middle; else high = middle;
        }

        return high;
    }

    private static async Task<RegisteredTicket> RegisterAtAsync(IServiceProvider services, DateTimeOffset at, RegisterTicketRequest request, CurrentUser user)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        // The ticket is registered "then": its SLA instants are in the past or near; the process's timers fire as they would have.
        var register = new RegisterTicket(provider.GetRequiredService<CrmDbContext>(), provider.GetRequiredService<Crm.Modules.Counterparties.CounterpartyAccess>(), new FixedClock(at), provider.GetRequiredService<ProcessEngine>(),
            provider.GetRequiredService<IServiceTicketProcess>());
        return await register.RunAsync(request, user, CancellationToken.None);
    }

    private static async Task WorkAsync(IServiceProvider services, Guid ticketId, string element, object variables, CurrentUser user)
    {
        List<TicketTask> tasks;
        await using (var scope = services.CreateAsyncScope())
        {
            tasks = await scope.ServiceProvider.GetRequiredService<TicketBook>().OpenTasksAsync(ticketId, user, CancellationToken.None);
        }

        var task = tasks.Single(t => t.ElementId == element);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TaskService>().ClaimAsync(task.Id, user, CancellationToken.None);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var values = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
            await scope.ServiceProvider.GetRequiredService<CompleteTask>().RunAsync(task.Id, values, user, CancellationToken.None);
        }
    }

    private sealed class FixedClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
