using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Complaints;

/// <summary>The complaint routes over HTTP: problem details per field, who sees what, costs and their report, revisions, settings for admins only.</summary>
public abstract class ComplaintApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task Complaints_OverHttp_RegisterCostEditReport_WithRightsAndProblemDetails()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");
        using var kasia = await App.CreateClientAsAsync("kasia");

        // The demo desk's complaints are anna's group's; jan (office) sees none of them, and a direct link is a 404.
        var annas = await anna.GetFromJsonAsync<JsonElement>("/api/complaints?sort=number");
        Assert.Equal(6, annas.GetProperty("total").GetInt32());
        var demo = annas.GetProperty("items")[0].GetProperty("id").GetGuid();
        Assert.Equal(0, (await jan.GetFromJsonAsync<JsonElement>("/api/complaints")).GetProperty("total").GetInt32());
        var hidden = await jan.GetAsync($"/api/complaints/{demo}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/complaints/{demo}/costs", new { type = "transport", amount = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/complaints")).StatusCode);

        var bad = await anna.PostAsJsonAsync("/api/complaints", new { subject = "", kind = "consumer", againstType = "product", channel = "fax", demand = "refund" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["channel", "defectDescription", "productName", "subject"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        var created = await anna.PostAsJsonAsync("/api/complaints", new
        {
            subject = "Zepsuty czajnik", kind = "consumer", againstType = "product", productName = "Czajnik K-1", channel = "phone", demand = "replacement",
            defectDescription = "Nie grzeje.", claimedAmount = 199,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var registered = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("REK/2026/00007", registered.GetProperty("number").GetString());
        var id = registered.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/complaints/{id}/costs", new { type = "transport", amount = 35.5, note = "Kurier" })).StatusCode);
        var badCost = await anna.PostAsJsonAsync($"/api/complaints/{id}/costs", new { type = "pizza", amount = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, badCost.StatusCode);

        var view = await anna.GetFromJsonAsync<JsonElement>($"/api/complaints/{id}");
        Assert.Equal(35.5m, view.GetProperty("totals")[0].GetProperty("amount").GetDecimal());
        var revision = view.GetProperty("revision").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/complaints/{id}", new { revision, productCode = "K-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PutAsJsonAsync($"/api/complaints/{id}", new { revision, productCode = "K-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/complaints/{id}/expertise", new { summary = "?" })).StatusCode);
        var history = await anna.GetFromJsonAsync<JsonElement>($"/api/complaints/{id}/history");
        Assert.Contains(history.EnumerateArray(), h => h.GetProperty("text").GetString() == "productCode: — → K-1");

        var report = await anna.GetFromJsonAsync<JsonElement>("/api/complaint-costs?by=type");
        Assert.Contains(report.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetString() == "transport");
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/complaint-costs?by=weather")).StatusCode);
        var export = await anna.GetAsync("/api/complaints/export?status=open&columns=counterparty,deadline");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/complaints?status=lost")).StatusCode);

        // Settings: admins only; the pattern must hold the sequence.
        var settings = await anna.GetFromJsonAsync<JsonElement>("/api/complaint-settings");
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PutAsJsonAsync("/api/complaint-settings", changed)).StatusCode);
        changed["numberPattern"] = JsonSerializer.SerializeToElement("REK-{yyyy}");
        Assert.Equal(HttpStatusCode.BadRequest, (await kasia.PutAsJsonAsync("/api/complaint-settings", changed)).StatusCode);
        changed["numberPattern"] = JsonSerializer.SerializeToElement("R/{yy}/{n:0000}");
        Assert.Equal(HttpStatusCode.OK, (await kasia.PutAsJsonAsync("/api/complaint-settings", changed)).StatusCode);
    }
}

public sealed class ComplaintApiOnSqliteTests() : ComplaintApiTests(DatabaseProvider.Sqlite);

public sealed class ComplaintApiOnPostgreSqlTests() : ComplaintApiTests(DatabaseProvider.PostgreSql);
