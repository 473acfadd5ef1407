using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>An address or record that does not exist shows a page inside the shell, with the menu and a way home.</summary>
public sealed class NotFoundTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task UnknownAddress_ShowsNotFoundInTheShell_WithLinkHome()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks");

        await page.GotoAsync(browser.BaseUrl + "/no-such-page/at-all");
        await Assertions.Expect(page).ToHaveURLAsync(browser.BaseUrl + "/not-found");
        await page.WaitForSelectorAsync("[data-ready=true]");
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-tasks")).ToBeVisibleAsync();   // the shell with its menu
        await Workplace.ScreenshotAsync(page, "not-found");

        await page.GetByTestId("not-found-home").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(browser.BaseUrl + "/");
        await Assertions.Expect(page.GetByTestId("not-found")).ToHaveCountAsync(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task UnknownCompany_ShowsNotFoundInTheShell_WithLinkToTheList()
    {
        var page = await Workplace.SignInAsync(browser, "anna", $"/crm/{Guid.NewGuid()}");

        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-crm")).ToBeVisibleAsync();
        await page.GetByTestId("not-found-back").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(browser.BaseUrl + "/crm");
        await Assertions.Expect(page.GetByTestId("counterparty-link").First).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task UnknownAddress_OnAPhone_KeepsTheWayHomeInView()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks", phone: true);

        await page.GotoAsync(browser.BaseUrl + "/nowhere");
        await page.WaitForSelectorAsync("[data-ready=true]");
        var home = page.GetByTestId("not-found-home");
        await Assertions.Expect(home).ToBeInViewportAsync();
        await Assertions.Expect(page.GetByTestId("account-menu")).ToBeVisibleAsync();
        await Workplace.ScreenshotAsync(page, "not-found-phone");

        await home.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(browser.BaseUrl + "/");
        await page.CloseAsync();
    }
}
