using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;
using static Crm.Server.Tests.Marketing.Loyalty.LoyaltyTestKit;

namespace Crm.Server.Tests.Marketing.Loyalty;

/// <summary>Reward orders racing for the same points or the same stock: never below zero, never oversold, and the next order after the race works.</summary>
public abstract class LoyaltyRaceTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task ConcurrentOrders_PointsForFive_ExactlyFiveWin_AndAGrantLetsTheNextOneThrough()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var programme = await CreateProgrammeAsync(anna, "RACE");
        var reward = await AddRewardAsync(anna, programme, "Bilet do kina", 10, 10);
        var member = await EnrolAsync(anna, programme, await SalesCompanyAsync(App.Services));
        await GrantAsync(anna, member, 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => anna.PostAsJsonAsync($"/api/loyalty/members/{member}/orders", new { rewardId = reward })));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await BalanceAsync(anna, member));
        Assert.Equal(0, await LedgerSumAsync(App.Services, member));
        Assert.Equal(5, await StockAsync(App.Services, reward));
        var refused = await responses.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Not enough points", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // After the race: points granted, the same member orders again.
        await GrantAsync(anna, member, 10);
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/loyalty/members/{member}/orders", new { rewardId = reward })).StatusCode);
        Assert.Equal(0, await BalanceAsync(anna, member));
        Assert.Equal(4, await StockAsync(App.Services, reward));
    }

    [Fact]
    public async Task ConcurrentOrders_StockOfThree_NeverOversold_AndCancelGivesBothBack()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var programme = await CreateProgrammeAsync(anna, "STOCK");
        var reward = await AddRewardAsync(anna, programme, "Rower", 100, 3);
        var members = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var member = await EnrolAsync(anna, programme, await SalesCompanyAsync(App.Services, i));
            await GrantAsync(anna, member, 1000);
            members.Add(member);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => anna.PostAsJsonAsync($"/api/loyalty/members/{members[i % 4]}/orders", new { rewardId = reward })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await StockAsync(App.Services, reward));
        var spent = 0;
        foreach (var member in members)
        {
            var balance = await BalanceAsync(anna, member);
            Assert.Equal(balance, await LedgerSumAsync(App.Services, member));
            spent += 1000 - balance;
        }

        Assert.Equal(300, spent);
        var winner = responses.First(r => r.StatusCode == HttpStatusCode.Created);
        var orderId = await IdAsync(winner);
        var ordering = members.Single(m => winner.Headers.Location!.OriginalString.Contains(m.ToString(), StringComparison.Ordinal));
        var before = await BalanceAsync(anna, ordering);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsync($"/api/loyalty/orders/{orderId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsync($"/api/loyalty/orders/{orderId}/cancel", null)).StatusCode);
        Assert.Equal(before + 100, await BalanceAsync(anna, ordering));
        Assert.Equal(1, await StockAsync(App.Services, reward));
        var outOfStock = await anna.PostAsJsonAsync($"/api/loyalty/members/{members[0]}/orders", new { rewardId = reward, quantity = 2 });
        Assert.Equal(HttpStatusCode.Conflict, outOfStock.StatusCode);
    }
}

public sealed class LoyaltyRaceOnSqliteTests() : LoyaltyRaceTests(DatabaseProvider.Sqlite);

public sealed class LoyaltyRaceOnPostgreSqlTests() : LoyaltyRaceTests(DatabaseProvider.PostgreSql);
