using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Marketing.Loyalty;

/// <summary>Sets up a programme with a reward over HTTP and reads rows the tests check directly.</summary>
internal static class LoyaltyTestKit
{
    /// <summary>A demo company anna sees (region sales) and jan does not (office, owns none of them).</summary>
    public static async Task<Guid> SalesCompanyAsync(IServiceProvider services, int skip = 0)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.Counterparties.Where(c => c.Region == "sales" && c.Owner == "anna").OrderBy(c => c.Name).Skip(skip).Select(c => c.Id).FirstAsync();
    }

    public static async Task<Guid> CreateProgrammeAsync(HttpClient client, string code, int? bonusExpiryMonths = null)
    {
        var response = await client.PostAsJsonAsync("/api/loyalty/programmes", new
        {
            code, name = $"Programme {code}", description = "Punkty za zakupy",
            pointTypes = new object[] { new { code = "base", name = "Punkty podstawowe" }, new { code = "bonus", name = "Premia", expiryMonths = bonusExpiryMonths } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await IdAsync(response);
    }

    public static async Task<Guid> AddRewardAsync(HttpClient client, Guid programme, string name, int price, int stock, string pointType = "base")
    {
        var response = await client.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/rewards", new { name, pointType, price, stock });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await IdAsync(response);
    }

    public static async Task<Guid> EnrolAsync(HttpClient client, Guid programme, Guid company)
    {
        var response = await client.PostAsJsonAsync($"/api/loyalty/programmes/{programme}/members", new { counterpartyId = company });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await IdAsync(response);
    }

    public static async Task GrantAsync(HttpClient client, Guid member, int points, string pointType = "base")
    {
        var response = await client.PostAsJsonAsync($"/api/loyalty/members/{member}/grants", new { pointType, points, reason = "Bonus powitalny" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<int> BalanceAsync(HttpClient client, Guid member, string pointType = "base")
    {
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/loyalty/members/{member}");
        return view.GetProperty("balances").EnumerateArray().Single(b => b.GetProperty("pointType").GetString() == pointType).GetProperty("points").GetInt32();
    }

    /// <summary>The sum of the ledger rows of a member and type: always equal to the balance.</summary>
    public static async Task<int> LedgerSumAsync(IServiceProvider services, Guid member, string pointType = "base")
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.LoyaltyOperations.Where(o => o.MemberId == member && o.PointType == pointType).SumAsync(o => o.Points);
    }

    public static async Task<int> StockAsync(IServiceProvider services, Guid reward)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.LoyaltyRewards.Where(r => r.Id == reward).Select(r => r.Stock).SingleAsync();
    }

    public static async Task<Guid> IdAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}
