using Crm.Modules.Complaints;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Server.Hosting;

/// <summary>
/// Complaints for the run command, registered and moved through the real process as the desk would: one just in,
/// one waiting for an expertise, one two days before its deadline (the lead is warned), one past it (accepted by law
/// when the timer runs), one decided and answered, one closed, with costs. Loaded once, on a database without complaints.
/// </summary>
internal static class DemoComplaints
{
    public static async Task LoadAsync(IServiceProvider services)
    {
        await using (var check = services.CreateAsyncScope())
        {
            if (await check.ServiceProvider.GetRequiredService<CrmDbContext>().Complaints.AnyAsync())
            {
                return;
            }
        }

        var anna = new CurrentUser(Guid.Empty, "anna", new HashSet<string> { Roles.Staff }, new HashSet<string> { "sales", "complaints" });
        var marek = new CurrentUser(Guid.Empty, "marek", new HashSet<string> { Roles.Staff }, new HashSet<string> { "sales", "complaints" });
        List<(Guid Id, string Name)> companies;
        await using (var scope = services.CreateAsyncScope())
        {
            companies = (await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Counterparties.AsNoTracking().Where(c => c.Region == "sales")
                .OrderBy(c => c.CreatedAt).Take(6).Select(c => new { c.Id, c.Name }).ToListAsync()).Select(c => (c.Id, c.Name)).ToList();
        }

        if (companies.Count < 6)
        {
            return;
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var received = new[] { 0, 4, 12, 16, 6, 20 };
        var kinds = new[] { "business", "consumer", "consumer", "consumer", "business", "consumer" };
        var subjects = new[] { "Uszkodzona paleta przy dostawie", "Pęknięta obudowa pralki", "Niedziałający sterownik", "Zła faktura za serwis", "Opóźniona dostawa części", "Rysy na blacie" };
        var products = new[] { ("PAL-120", "Paleta EUR"), ("PX-100", "Pralka PX-100"), ("ST-4", "Sterownik ST-4"), (null, null), ("CZ-77", "Zestaw części CZ-77"), ("BL-2", "Blat dębowy BL-2") };
        var ids = new List<Guid>();
        for (var i = 0; i < subjects.Length; i++)
        {
            var (code, name) = products[i];
            var request = new RegisterComplaintRequest(subjects[i], companies[i].Id, null, kinds[i], code is null ? "sale" : "product",
                code is null ? $"FV/2026/11/{100 + i}" : null, null, code, name, null, today.AddDays(-received[i]), i % 3 == 0 ? "email" : "phone",
                "Klient zgłasza: " + subjects[i].ToLowerInvariant() + ".", i switch { 1 => "refund", 3 => "price-reduction", 5 => "replacement", _ => "repair" }, i == 1 ? 6_500 : 800 + (i * 150));
            ids.Add((await RunAsync<RegisterComplaint, RegisteredComplaint>(services, s => s.RunAsync(request, anna, CancellationToken.None))).Id);
        }

        // Costs the desk has booked so far.
        foreach (var (index, type, amount) in new[] { (1, "expertise", 1_200m), (1, "transport", 180m), (4, "transport", 240m), (4, "replacement-part", 960m), (5, "labour", 420m), (5, "goodwill", 300m) })
        {
            await RunAsync<ComplaintCosts, Guid>(services, s => s.AddAsync(ids[index], new AddComplaintCostRequest(type, amount, "PLN", today.AddDays(-received[index] + 2), null), anna, CancellationToken.None));
        }

        // #2 waits for the supplier's expertise; #5 is decided and answered; #6 is closed.
        await WorkAsync(services, ids[1], "analyse", new { findings = "Pęknięcie wygląda na wadę materiału.", needsExpertise = true }, anna);
        await WorkAsync(services, ids[4], "analyse", new { findings = "Dostawca potwierdza opóźnienie.", needsExpertise = false }, marek);
        await WorkAsync(services, ids[4], "decide", new { decision = "accepted", justification = "Opóźnienie z naszej winy; dosyłamy części kurierem." }, marek);
        await WorkAsync(services, ids[4], "answer", new { answerChannel = "email", answerText = "Przepraszamy, części wysłane." }, marek);
        await WorkAsync(services, ids[5], "analyse", new { findings = "Rysy fabryczne, widoczne na zdjęciach.", needsExpertise = false }, anna);
        await WorkAsync(services, ids[5], "decide", new { decision = "accepted", justification = "Wada fabryczna." }, anna);
        await WorkAsync(services, ids[5], "answer", new { answerChannel = "letter", answerText = "Wymienimy blat." }, anna);
        await WorkAsync(services, ids[5], "resolve", new { resolution = "Blat wymieniony na nowy." }, marek);
    }

    private static async Task WorkAsync(IServiceProvider services, Guid complaintId, string element, object variables, CurrentUser user)
    {
        var task = (await RunAsync<ComplaintBook, List<ComplaintTask>>(services, s => s.OpenTasksAsync(complaintId, user, CancellationToken.None))).Single(t => t.ElementId == element);
        await RunAsync<TaskService, TaskView>(services, s => s.ClaimAsync(task.Id, user, CancellationToken.None));
        var values = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
        await RunAsync<CompleteTask, TaskView>(services, s => s.RunAsync(task.Id, values, user, CancellationToken.None));
    }

    private static async Task<T> RunAsync<TService, T>(IServiceProvider services, Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
