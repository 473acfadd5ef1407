using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Modules.Marketing.Loyalty;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Crm.Server.Tests.Marketing.Loyalty.LoyaltyTestKit;

namespace Crm.Server.Tests.Marketing.Loyalty;

/// <summary>The points ledger over HTTP and through its service: earn, spend, correct, idempotent awards, rules, statements, expiry, who sees what.</summary>
public abstract class LoyaltyLedgerTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task Ledger_EarnSpendCorrect_KeepsExactBalanceAndRunningStatement()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var company = await SalesCompanyAsync(App.Services);
        var programme = await CreateProgrammeAsync(anna, "KLUB");
        var reward = await AddRewardAsync(anna, programme, "Kubek termiczny", 20, 5);
        var member = await EnrolAsync(anna, programme, company);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/members", new { counterpartyId = company })).StatusCode);

        await GrantAsync(anna, member, 100);
        var correction = await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/corrections", new { pointType = "base", points = -30, reason = "Zwrot towaru" });
        Assert.Equal(70, (await correction.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balance").GetInt32());
        var tooMuch = await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/corrections", new { pointType = "base", points = -71, reason = "Błąd" });
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);
        Assert.Contains("Not enough points", (await tooMuch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var bad = await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/grants", new { pointType = "", points = -5, reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/orders", new { rewardId = reward })).StatusCode);
        Assert.Equal(50, await BalanceAsync(anna, member));
        Assert.Equal(50, await LedgerSumAsync(App.Services, member));

        // The same request key books once.
        for (var i = 0; i < 2; i++)
        {
            await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/grants", new { pointType = "bonus", points = 7, reason = "Urodziny", requestKey = "birthday-2026" });
        }

        Assert.Equal(7, await BalanceAsync(anna, member, "bonus"));

        var statement = await anna.GetFromJsonAsync<JsonElement>($"/api/loyalty/members/{member}/statement");
        var lines = statement.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("pointType").GetString() == "base").ToList();
        Assert.Equal([100, 70, 50], lines.Select(l => l.GetProperty("balance").GetInt32()));
        Assert.Equal(["earn", "correct", "spend"], lines.Select(l => l.GetProperty("kind").GetString()));
        var export = await anna.GetAsync($"/api/loyalty/members/{member}/statement/export");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);
        Assert.True((await export.Content.ReadAsByteArrayAsync()).Length > 1000);
    }

    [Fact]
    public async Task AwardAndRules_SameSourceKey_BookOnce()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var company = await SalesCompanyAsync(App.Services);
        var programme = await CreateProgrammeAsync(anna, "ZAKUPY");
        var member = await EnrolAsync(anna, programme, company);
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/rules",
            new { name = "1 pkt za 10 zł", trigger = "order-value", pointType = "base", points = 1, perAmount = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/rules",
            new { name = "Odpowiedź na kampanię", trigger = "campaign-response", pointType = "bonus", points = 15 })).StatusCode);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LoyaltyLedger>();
            var first = await ledger.AwardAsync(programme, company, "base", 40, "Ankieta", "survey:42", "anna", CancellationToken.None);
            var again = await ledger.AwardAsync(programme, company, "base", 40, "Ankieta", "survey:42", "anna", CancellationToken.None);
            Assert.False(first.Repeated);
            Assert.True(again.Repeated);
            Assert.Equal(first.OperationId, again.OperationId);
            var orders = await ledger.ApplyRuleAsync(LoyaltyTriggers.OrderValue, company, 259.99m, "invoice:FV/2026/17", "system", CancellationToken.None);
            Assert.Equal(25, Assert.Single(orders).Points);
            await ledger.ApplyRuleAsync(LoyaltyTriggers.OrderValue, company, 259.99m, "invoice:FV/2026/17", "system", CancellationToken.None);
            await ledger.ApplyRuleAsync(LoyaltyTriggers.CampaignResponse, company, null, "campaign:7:member:3", "system", CancellationToken.None);
        }

        Assert.Equal(65, await BalanceAsync(anna, member));
        Assert.Equal(15, await BalanceAsync(anna, member, "bonus"));
        var applied = await anna.PostAsJsonAsync("/api/loyalty/rules/apply", new { trigger = "campaign-response", counterpartyId = company, sourceKey = "campaign:7:member:3" });
        Assert.True((await applied.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("repeated").GetBoolean());
        Assert.Equal(15, await BalanceAsync(anna, member, "bonus"));
    }

    [Fact]
    public async Task Visibility_UserWhoCannotSeeTheCompany_GetsNotFound()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");
        var company = await SalesCompanyAsync(App.Services);
        var programme = await CreateProgrammeAsync(anna, "VIP");
        var reward = await AddRewardAsync(anna, programme, "Voucher 50 zł", 10, 3);
        var member = await EnrolAsync(anna, programme, company);
        await GrantAsync(anna, member, 100);

        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/loyalty/members/{member}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/loyalty/members/{member}/statement")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/loyalty/members/{member}/grants", new { pointType = "base", points = 5, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/loyalty/members/{member}/orders", new { rewardId = reward })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/loyalty/counterparties/{company}/memberships")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/members", new { counterpartyId = company })).StatusCode);
        Assert.Empty((await jan.GetFromJsonAsync<JsonElement>($"/api/loyalty/programmes/{programme}/members")).EnumerateArray());
        var listed = await anna.GetAsync($"/api/loyalty/programmes/{programme}/members");
        Assert.True(listed.IsSuccessStatusCode, await listed.Content.ReadAsStringAsync());
        Assert.Single((await listed.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Single((await anna.GetFromJsonAsync<JsonElement>($"/api/loyalty/counterparties/{company}/memberships")).EnumerateArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/loyalty/programmes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsync("/api/loyalty/expiry/run", null)).StatusCode);
        Assert.Equal(100, await BalanceAsync(anna, member));
    }

    [Fact]
    public async Task Expiry_BooksFifoExpireRowsOncePerDay()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var company = await SalesCompanyAsync(App.Services);
        var programme = await CreateProgrammeAsync(anna, "SEZON", bonusExpiryMonths: 12);
        var reward = await AddRewardAsync(anna, programme, "Parasol", 30, 5, "bonus");
        var member = await EnrolAsync(anna, programme, company);
        await GrantAsync(anna, member, 100, "bonus");
        await GrantAsync(anna, member, 100);
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/orders", new { rewardId = reward })).StatusCode);

        await using var scope = App.Services.CreateAsyncScope();
        var expiry = scope.ServiceProvider.GetRequiredService<LoyaltyExpiry>();
        Assert.Equal(0, await expiry.RunAsync(CancellationToken.None, DateTimeOffset.UtcNow.AddMonths(11)));
        var later = DateTimeOffset.UtcNow.AddMonths(13);
        Assert.Equal(1, await expiry.RunAsync(CancellationToken.None, later));
        Assert.Equal(0, await expiry.RunAsync(CancellationToken.None, later));
        Assert.Equal(0, await BalanceAsync(anna, member, "bonus"));
        Assert.Equal(100, await BalanceAsync(anna, member));   // base points never expire
        var statement = await anna.GetFromJsonAsync<JsonElement>($"/api/loyalty/members/{member}/statement");
        var expired = Assert.Single(statement.GetProperty("lines").EnumerateArray(), l => l.GetProperty("kind").GetString() == "expire");
        Assert.Equal(-70, expired.GetProperty("points").GetInt32());
        Assert.Equal(0, await LedgerSumAsync(App.Services, member, "bonus"));
    }
}

public sealed class LoyaltyLedgerOnSqliteTests() : LoyaltyLedgerTests(DatabaseProvider.Sqlite);

public sealed class LoyaltyLedgerOnPostgreSqlTests() : LoyaltyLedgerTests(DatabaseProvider.PostgreSql);
