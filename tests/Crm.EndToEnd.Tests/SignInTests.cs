using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>The web UI in a real browser: sign-in, the shell, the admin page, the language switch.</summary>
public sealed class SignInTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignIn_AsDemoUser_ShowsDashboardWithDemoBadge()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync(browser.BaseUrl + "/");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);

        await Assertions.Expect(page.GetByTestId("welcome")).ToContainTextAsync("Anna Nowak");
        await Assertions.Expect(page.GetByTestId("demo-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToHaveTextAsync("Anna Nowak");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "home.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_ShowsReadableError()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync(browser.BaseUrl + "/signin");
        await page.FillAsync("#userName", "anna");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("#signin-submit");

        await Assertions.Expect(page.GetByTestId("signin-error")).ToHaveTextAsync("The user name or password is not correct.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "signin-error.png") });
        await page.CloseAsync();
    }

    [Fact]
    public async Task SignOut_ReturnsToSignInPage_AndProtectsPagesAgain()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin");
        await browser.SignInAsync(page, "jan", CrmAppFactory.DemoPassword);

        await page.GetByTestId("sign-out").ClickAsync();

        await page.WaitForURLAsync("**/signin**");
        await page.GotoAsync(browser.BaseUrl + "/");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Admin_CreatesGroup_AndSeesFieldErrorsForBadInput()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fadmin%2Fusers");
        await browser.SignInAsync(page, "admin", CrmAppFactory.AdminPassword);

        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync("Anna Nowak");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Groups" }).ClickAsync();
        await Input(page, "new-group-name").FillAsync("field-service");
        await Input(page, "new-group-display").FillAsync("Field service");
        await page.GetByTestId("create-group").ClickAsync();

        await Assertions.Expect(page.GetByTestId("groups-table")).ToContainTextAsync("Field service");
        await Input(page, "new-group-name").FillAsync("Bad Key!");
        await Input(page, "new-group-display").FillAsync("Broken");
        await page.GetByTestId("create-group").ClickAsync();
        await Assertions.Expect(page.GetByText("lower-case letters")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "admin-groups.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Staff_OpeningAdminPage_IsToldItIsNotAllowed()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin");
        await browser.SignInAsync(page, "marek", CrmAppFactory.DemoPassword);

        await page.GotoAsync(browser.BaseUrl + "/admin/users");

        await Assertions.Expect(page.GetByTestId("not-allowed")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task LanguageSwitch_ShowsPolishTexts()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin");

        await page.GetByTestId("lang-pl").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Logowanie do Workflow CRM");
        await page.ClickAsync("#signin-submit");
        await Assertions.Expect(page.GetByText("To pole jest wymagane.").First).ToBeVisibleAsync();
        await browser.SignInAsync(page, "ewa", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("welcome")).ToContainTextAsync("Witaj, Ewa Lewandowska");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "home-pl.png") });
        await page.CloseAsync();
    }

    // MudBlazor puts extra attributes on the <input> in some components and on the wrapper in others.
    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
