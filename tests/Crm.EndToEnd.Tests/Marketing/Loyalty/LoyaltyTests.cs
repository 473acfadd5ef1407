using Crm.Modules.Marketing.Loyalty;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Marketing.Loyalty;

/// <summary>A staff member orders a reward from the member page: the points go down; a reward too dear is refused with a clear message.</summary>
public sealed class LoyaltyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Staff_OrderARewardFromTheMemberPage_PointsGoDown_AndTooDearIsRefused()
    {
        var page = await browser.NewPageAsync();
        var member = await SetUpAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Floyalty");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("loyalty-programmes")).ToContainTextAsync("Klub Partnera");
        await page.ScreenshotAsync(new() { Path = Shot("loyalty-programmes.png"), FullPage = true });
        await page.GetByTestId("loyalty-programme-link").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("loyalty-members")).ToContainTextAsync("KLUB-000001");
        await page.ScreenshotAsync(new() { Path = Shot("loyalty-programme.png"), FullPage = true });

        await page.GotoAsync(browser.BaseUrl + $"/loyalty/members/{member}");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.GetByTestId("loyalty-balance-base")).ToHaveTextAsync("120");
        await page.GetByTestId("loyalty-member-rewards").Locator("tr", new() { HasText = "Kubek" }).GetByTestId("loyalty-order").ClickAsync();
        await Assertions.Expect(page.GetByTestId("loyalty-balance-base")).ToHaveTextAsync("70");
        await Assertions.Expect(page.GetByTestId("loyalty-member-orders")).ToContainTextAsync("Kubek");
        await page.GetByTestId("loyalty-member-rewards").Locator("tr", new() { HasText = "Rower" }).GetByTestId("loyalty-order").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "Not enough points" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("loyalty-balance-base")).ToHaveTextAsync("70");
        await page.ScreenshotAsync(new() { Path = Shot("loyalty-member.png"), FullPage = true });
    }

    private async Task<Guid> SetUpAsync()
    {
        var kasia = new CurrentUser(Guid.Empty, "kasia", new HashSet<string> { Roles.Admin, Roles.Staff }, new HashSet<string> { "office" });
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var company = await services.GetRequiredService<CrmDbContext>().Counterparties.Where(c => c.Region == "sales" && c.Owner == "anna").OrderBy(c => c.Name).Select(c => c.Id).FirstAsync();
        var programme = await services.GetRequiredService<LoyaltyProgrammes>().CreateAsync(new CreateProgrammeRequest("KLUB", "Klub Partnera", "Punkty za zakupy", null), kasia, CancellationToken.None);
        var rewards = services.GetRequiredService<LoyaltyRewards>();
        await rewards.AddAsync(programme, new RewardRequest("Kubek termiczny", null, "base", 50, 10), kasia, CancellationToken.None);
        await rewards.AddAsync(programme, new RewardRequest("Rower miejski", null, "base", 5000, 2), kasia, CancellationToken.None);
        var member = await services.GetRequiredService<LoyaltyMembers>().EnrolAsync(programme, new EnrolMemberRequest(company, null), kasia, CancellationToken.None);
        await services.GetRequiredService<LoyaltyLedger>().GrantAsync(member, new GrantPointsRequest("base", 120, "Bonus powitalny", null), kasia, CancellationToken.None);
        return member;
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
