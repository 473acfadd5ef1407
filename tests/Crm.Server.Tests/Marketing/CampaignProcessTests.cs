#pragma warning disable CA1861 // literal filter lists read better inline in a test
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Marketing;

/// <summary>
/// A campaign through its process: a target list from the list's filters, budget approval by another process owner
/// (four eyes), a call task per member for the company's owner, a responder's sales case that is won, the evaluation,
/// and the results with ROI. Members of companies another user cannot see stay hidden from them.
/// </summary>
public abstract class CampaignProcessTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?> { ["Crm:Mail:Worker"] = "false" })
{
    // Starts with a letter: a search of digits alone is a NIP prefix, and 8 hex digits are all digits in 2 % of runs.
    private readonly string _suffix = "k" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Campaign_RunsThroughItsProcess_CallTasksResponseWonCaseAndRoi()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var piotr = await App.CreateClientAsAsync("piotr");
        using var jan = await App.CreateClientAsAsync("jan");
        var companies = new List<Guid>();
        foreach (var name in new[] { "Alfa", "Beta", "Gamma" })
        {
            companies.Add(await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Kampania {name} {_suffix}", region = "sales" })));
        }

        var created = await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Wiosna {_suffix}", type = "telemarketing", budget = 5000, goal = "Nowi klienci" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var invalid = await anna.PostAsJsonAsync("/api/campaigns", new { name = "", type = "nonsense", budget = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _));

        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/costs", new { actual = true, description = "Telemarketer", amount = 1000 }));
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Call", title = "Zadzwoń z ofertą" }));
        // Everything would be too much: a list needs a search, category or filter.
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { persons = false })).StatusCode);
        var added = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = _suffix, filters = new[] { "name:contains:Kampania" }, persons = false }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, added.GetProperty("added").GetInt32());
        var again = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = _suffix, persons = false })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("added").GetInt32());
        Assert.Equal(3, again.GetProperty("alreadyOn").GetInt32());

        // Jan (office) may not see the campaign at all; the owner cannot approve their own budget.
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/campaigns/{campaign}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "anna" })).StatusCode);
        var started = await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "piotr" });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "piotr" })).StatusCode);

        var approval = await SingleTaskAsync(piotr, "campaign-actions");
        await OkAsync(await piotr.PostAsJsonAsync($"/api/tasks/{approval}/complete", new { variables = new { approved = "yes" } }));
        Assert.Equal("Running", (await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("status").GetString());

        // One call task per member for the company's owner (anna); a form cannot redirect the step to another member.
        var calls = await TasksAsync(anna, "campaign-member", 3);
        Assert.Equal(3, calls.Count);
        var forged = await anna.PostAsJsonAsync($"/api/tasks/{calls[0]}/complete", new { variables = new { outcome = "responded", memberId = Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{calls[0]}/complete", new { variables = new { outcome = "responded", contactNote = "Chce ofertę" } }));
        await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{calls[1]}/complete", new { variables = new { outcome = "no-answer" } }));

        // A company added while the campaign runs gets its call too: a further wave once the first is done.
        await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Kampania Delta {_suffix}", region = "sales" }));
        var late = await (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = _suffix, persons = false })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, late.GetProperty("added").GetInt32());
        await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{calls[2]}/complete", new { variables = new { outcome = "not-interested" } }));
        var lateCall = (await TasksAsync(anna, "campaign-member", 1)).Single();
        await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{lateCall}/complete", new { variables = new { outcome = "no-answer" } }));

        var members = (await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/members")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Contacted", "Contacted", "OptedOut", "Responded"], members.Select(m => m.GetProperty("state").GetString()).Order());
        var responder = members.Single(m => m.GetProperty("state").GetString() == "Responded");
        var caseId = responder.GetProperty("caseId").GetGuid();
        var item = await anna.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        Assert.Equal(campaign, item.GetProperty("campaignId").GetGuid());

        // The case is won with its value: the member converts, the campaign earns its revenue.
        await OkAsync(await anna.PutAsJsonAsync($"/api/cases/{caseId}", new { revision = item.GetProperty("revision").GetInt32(), title = item.GetProperty("title").GetString(), value = 4000 }));
        // The case runs its own sales cycle: qualify, offer, negotiate and win.
        foreach (var variables in new object[] { new { decision = "continue" }, new { }, new { outcome = "won" } })
        {
            var step = (await TasksAsync(anna, "sales-cycle", 1, item.GetProperty("title").GetString())).Single();
            await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{step}/complete", new { variables }));
        }

        var evaluate = await SingleTaskAsync(anna, "campaign-actions");
        await OkAsync(await anna.PostAsJsonAsync($"/api/tasks/{evaluate}/complete", new { variables = new { evaluation = "Telefon działa lepiej niż mail." } }));
        var closed = await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}");
        Assert.Equal("Closed", closed.GetProperty("status").GetString());

        var results = await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/results");
        Assert.Equal(4, results.GetProperty("members").GetInt32());
        Assert.Equal(1, results.GetProperty("responses").GetInt32());
        Assert.Equal(1, results.GetProperty("casesOpened").GetInt32());
        Assert.Equal(1, results.GetProperty("casesWon").GetInt32());
        Assert.Equal(4000m, results.GetProperty("revenue").GetDecimal());
        Assert.Equal(1000m, results.GetProperty("actualCost").GetDecimal());
        Assert.Equal(3m, results.GetProperty("roi").GetDecimal());
        Assert.Equal(1, results.GetProperty("byState").GetProperty("Converted").GetInt32());
        var export = await anna.GetAsync($"/api/campaigns/{campaign}/results/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.True((await export.Content.ReadAsByteArrayAsync()).Length > 1000);
    }

    [Fact]
    public async Task Campaign_HasADocumentFolder_OpenToItsPeopleOnly()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var piotr = await App.CreateClientAsAsync("piotr");
        using var marek = await App.CreateClientAsAsync("marek");
        var first = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Targi {_suffix}", type = "trade-fair" }));
        var second = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Targi {_suffix}", type = "trade-fair" }));   // same name: its own folder
        var folder = (await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{first}/folder")).GetProperty("folderId").GetGuid();
        Assert.NotEqual(folder, (await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{second}/folder")).GetProperty("folderId").GetGuid());
        var upload = await anna.PostAsync("/api/documents", new MultipartFormDataContent
        {
            { new StringContent(folder.ToString()), "folderId" }, { new ByteArrayContent("Brief targowy: stoisko 12 m²"u8.ToArray()), "file", "brief.txt" },
        });
        var document = await IdAsync(upload);

        // Marek is not on the team: neither the campaign nor its brief; once on the team, both; piotr (process owners) reads it.
        Assert.Equal(HttpStatusCode.NotFound, (await marek.GetAsync($"/api/campaigns/{first}/folder")).StatusCode);
        Assert.False((await marek.GetAsync($"/api/documents/{document}")).IsSuccessStatusCode);
        Assert.True((await piotr.GetAsync($"/api/documents/{document}")).IsSuccessStatusCode);
        var view = await anna.GetFromJsonAsync<JsonElement>($"/api/campaigns/{first}");
        await OkAsync(await anna.PutAsJsonAsync($"/api/campaigns/{first}?revision={view.GetProperty("revision").GetInt32()}", new
        {
            name = view.GetProperty("name").GetString(), type = "trade-fair", team = new[] { "marek" },
        }));
        Assert.True((await marek.GetAsync($"/api/documents/{document}")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task APlannedSurvey_IsAskedInTheContact_LinkedOnTheTask_DueByItsDate()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var piotr = await App.CreateClientAsAsync("piotr");
        var kit = await Surveys.SurveyTestKit.CreateAsync(kasia);
        var company = await IdAsync(await anna.PostAsJsonAsync("/api/counterparties", new { name = $"Ankietowana {_suffix}", region = "sales" }));
        var person = await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Olga", lastName = "Pytana", email = $"olga-{_suffix}@test.local" }));
        var campaign = await IdAsync(await anna.PostAsJsonAsync("/api/campaigns", new { name = $"Badanie {_suffix}", type = "telemarketing" }));
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Survey", title = "Ankieta", surveyId = Guid.NewGuid() })).StatusCode);
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20);
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/actions", new { kind = "Survey", title = "Ankieta satysfakcji", surveyId = kit.Survey, dueOn = due }));
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/members/from-filter", new { search = $"Ankietowana {_suffix}", persons = true }));
        await OkAsync(await anna.PostAsJsonAsync($"/api/campaigns/{campaign}/start", new { approver = "piotr" }));
        await OkAsync(await piotr.PostAsJsonAsync($"/api/tasks/{await SingleTaskAsync(piotr, "campaign-actions")}/complete", new { variables = new { approved = "yes" } }));

        // No call planned, yet someone must ask the survey: a contact task for the company's owner, due by the survey's date.
        var contact = await SingleTaskAsync(anna, "campaign-member");
        var task = await anna.GetFromJsonAsync<JsonElement>($"/api/tasks/{contact}");
        Assert.Equal(due, DateOnly.FromDateTime(task.GetProperty("dueAt").GetDateTimeOffset().UtcDateTime));
        var links = task.GetProperty("links");
        Assert.Equal(kit.Survey.ToString(), links.GetProperty("surveyId").GetString());
        Assert.Equal(person.ToString(), links.GetProperty("personId").GetString());
        Assert.Equal(company.ToString(), links.GetProperty("counterpartyId").GetString());
    }

    private static async Task<Guid> SingleTaskAsync(HttpClient client, string processKey) => (await TasksAsync(client, processKey, 1)).Single();

    private static async Task<List<Guid>> TasksAsync(HttpClient client, string processKey, int expected, string? businessKey)
    {
        // The member's step starts with a job (asyncBefore): under a full test run on two cores the executor may take a while.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (; ; )
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/tasks?assignee=me&processKey={processKey}");
            var ids = page.GetProperty("items").EnumerateArray().Where(t => businessKey is null || t.GetProperty("businessKey").GetString() == businessKey)
                .Select(t => t.GetProperty("id").GetGuid()).ToList();
            if (ids.Count >= expected || DateTime.UtcNow > deadline)
            {
                return ids;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The caller's open tasks of a process, once <paramref name="expected"/> are there (children start after their parent's step commits).</summary>
    private static Task<List<Guid>> TasksAsync(HttpClient client, string processKey, int expected) => TasksAsync(client, processKey, expected, null);

    private static async Task OkAsync(HttpResponseMessage response) => Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class CampaignProcessOnSqliteTests() : CampaignProcessTests(DatabaseProvider.Sqlite);

public sealed class CampaignProcessOnPostgreSqlTests() : CampaignProcessTests(DatabaseProvider.PostgreSql);
