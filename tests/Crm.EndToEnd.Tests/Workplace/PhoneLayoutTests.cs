using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>At 390 px: sign-out sits in the account menu, the menu lies over the page, inbox cards name their values.</summary>
public sealed class PhoneLayoutTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Phone_SignOutIsInTheAccountMenu_AndWorks()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks", phone: true);

        await Assertions.Expect(page.GetByTestId("sign-out")).Not.ToBeVisibleAsync();   // the wide bar's button steps aside
        await page.GetByTestId("account-menu").ClickAsync();
        var signOut = page.GetByTestId("account-menu-sign-out");
        await Assertions.Expect(signOut).ToBeInViewportAsync();
        await Assertions.Expect(page.GetByTestId("account-menu-settings")).ToContainTextAsync("Anna Nowak");
        await Workplace.ScreenshotAsync(page, "phone-account-menu");

        await signOut.ClickAsync();
        await Assertions.Expect(page.Locator("#userName")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Phone_InboxCardsLabelTheirValues_AndThePageDoesNotScrollSideways()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks", phone: true);

        // The menu does not take the narrow screen: it opens over the page on demand.
        await Assertions.Expect(page.GetByTestId("nav-tasks")).Not.ToBeInViewportAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0001" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        // A card shows "Priority 60", not a bare "60": the label comes from the cell's data-label.
        foreach (var label in new[] { "Task", "Process", "Priority", "Due" })
        {
            await Assertions.Expect(row.Locator($"td[data-label='{label}']")).ToHaveCountAsync(1);
        }

        var priorityLabel = await row.Locator("td[data-label='Priority']").EvaluateAsync<string>("td => getComputedStyle(td, '::before').content");
        Assert.Contains("Priority", priorityLabel, StringComparison.Ordinal);
        await Workplace.ScreenshotAsync(page, "phone-inbox");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"),
            "The inbox scrolls sideways at 390 px; wider than the screen: " + string.Join(", ", await Workplace.WiderThanScreenAsync(page)));

        await page.GetByTestId("menu-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("nav-tasks")).ToBeInViewportAsync();
        await Workplace.ScreenshotAsync(page, "phone-menu");
        await page.CloseAsync();
    }

    [Fact]
    public async Task Phone_TaskAndCompanyPages_FitTheScreen()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/crm", phone: true);

        await page.GetByTestId("counterparty-link").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crm/[0-9a-f-]{36}$"));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(await Workplace.WiderThanScreenAsync(page));   // the company page does not scroll sideways
        await Workplace.ScreenshotAsync(page, "phone-company");

        await page.GotoAsync(browser.BaseUrl + "/tasks");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });   // the tabs answer clicks
        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0001" }).GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-name")).ToBeVisibleAsync();
        Assert.Empty(await Workplace.WiderThanScreenAsync(page));   // nor does the task page
        await Workplace.ScreenshotAsync(page, "phone-task");
        await page.CloseAsync();
    }
}
