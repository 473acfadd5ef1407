using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Service;

/// <summary>The service desk over HTTP: the queue only for those who may see it, problem details per field, customer replies, statistics and admin-only settings.</summary>
public abstract class TicketApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task Tickets_OverHttp_QueueRightsProblemDetailsRepliesAndStats()
    {
        using var jan = await App.CreateClientAsAsync("jan");
        using var anna = await App.CreateClientAsAsync("anna");
        using var kasia = await App.CreateClientAsAsync("kasia");

        // The demo desk: five open tickets in the office queue (one resolved), none for anna (sales).
        var queue = await jan.GetFromJsonAsync<JsonElement>("/api/tickets?group=office");
        Assert.Equal(5, queue.GetProperty("total").GetInt32());
        var waiting = queue.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("stage").GetInt32() == 2);   // waiting for the customer
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("dueAt").ValueKind);
        Assert.Equal(0, (await anna.GetFromJsonAsync<JsonElement>("/api/tickets?group=office")).GetProperty("total").GetInt32());
        var someone = queue.GetProperty("items")[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/tickets/{someone}")).StatusCode);

        var bad = await jan.PostAsJsonAsync("/api/tickets", new { subject = "", classification = "weather", impact = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["classification", "impact", "subject"], (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        var created = await jan.PostAsJsonAsync("/api/tickets", new { subject = "Monitor miga", classification = "hardware", priority = "high", impact = 2, urgency = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ticket = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("SRV/2026/00007", ticket.GetProperty("number").GetString());
        var id = ticket.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await jan.PostAsJsonAsync($"/api/tickets/{id}/customer-reply", new { summary = "?" })).StatusCode);

        // The waiting ticket takes the customer's answer once; its clock runs again.
        var waitingId = waiting.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await jan.PostAsJsonAsync($"/api/tickets/{waitingId}/customer-reply", new { summary = "Numer korekty: FK/12" })).StatusCode);
        var resumed = await jan.GetFromJsonAsync<JsonElement>($"/api/tickets/{waitingId}");
        Assert.Equal(1, resumed.GetProperty("stage").GetInt32());   // InProgress
        Assert.NotEqual(JsonValueKind.Null, resumed.GetProperty("resolutionDueAt").ValueKind);

        var stats = await jan.GetFromJsonAsync<JsonElement>("/api/tickets/stats?by=classification");
        Assert.Contains(stats.GetProperty("rows").EnumerateArray(), r => r.GetProperty("key").GetString() == "hardware");
        Assert.Equal(HttpStatusCode.BadRequest, (await jan.GetAsync("/api/tickets/stats?by=weather")).StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (await jan.GetAsync("/api/tickets/stats/export?by=group")).Content.Headers.ContentType?.MediaType);

        Assert.Equal(4, (await jan.GetFromJsonAsync<JsonElement>("/api/sla-policies")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await jan.PostAsJsonAsync("/api/sla-policies", new { name = "x", reactionMinutes = 10, resolutionMinutes = 20 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync("/api/sla-policies", new { name = "Billing A", classification = "billing", customerTier = "A", reactionMinutes = 30, resolutionMinutes = 240 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await kasia.PostAsJsonAsync("/api/sla-policies", new { name = "Bad", customerTier = "Z", reactionMinutes = 30, resolutionMinutes = 10 })).StatusCode);
    }
}

public sealed class TicketApiOnSqliteTests() : TicketApiTests(DatabaseProvider.Sqlite);

public sealed class TicketApiOnPostgreSqlTests() : TicketApiTests(DatabaseProvider.PostgreSql);
