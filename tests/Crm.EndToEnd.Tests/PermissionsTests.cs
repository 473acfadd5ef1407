using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>Permissions as data in the browser: an admin takes a screen from staff, hides a field, checks it "as anna", and anna's pages follow.</summary>
public sealed class PermissionsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_TakesComplaintsFromStaff_HidesAField_AndSeesAsAnna()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fadmin%2Fpermissions");
        await browser.SignInAsync(page, "admin", CrmAppFactory.AdminPassword);

        // Rights: everyone's row for complaints, opened by a click, all rights off.
        var rights = page.GetByTestId("rights-table");
        await rights.Locator("tr", new() { HasText = "Everyone" }).Filter(new() { HasText = "Complaints" }).ClickAsync();
        ILocator Right(string right) => page.Locator($"input[data-testid=right-{right}], [data-testid=right-{right}] input").First;
        await Assertions.Expect(Right("export")).ToBeCheckedAsync();   // the row is in the form
        foreach (var right in new[] { "read", "create", "edit", "export" })
        {
            await Right(right).UncheckAsync();
            await Assertions.Expect(Right(right)).Not.ToBeCheckedAsync();
        }

        await page.GetByTestId("rights-save").ClickAsync();
        await Assertions.Expect(page.GetByText("Saved; in force now.")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(rights.Locator("tr", new() { HasText = "Everyone" }).Filter(new() { HasText = "Complaints" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "permissions-rights.png"), FullPage = true });

        // Fields: REGON hidden from everyone.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Fields" }).ClickAsync();
        await page.GetByTestId("field-field").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('REGON')");
        await page.GetByTestId("field-level").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('hidden')");
        await page.GetByTestId("field-rule-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-rules-table").Locator("tr", new() { HasText = "REGON" })).ToContainTextAsync("hidden");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "permissions-fields.png"), FullPage = true });

        // See as anna: her rights and field levels by the same rules.
        await page.GetByRole(AriaRole.Tab, new() { Name = "See as user" }).ClickAsync();
        await page.GetByTestId("see-as-user").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('(anna)')");
        await page.GetByTestId("see-as-show").ClickAsync();
        var result = page.GetByTestId("see-as-result");
        await Assertions.Expect(result).ToBeVisibleAsync();
        await Assertions.Expect(result.Locator("tr", new() { HasText = "Complaints" })).Not.ToContainTextAsync("✓");
        await Assertions.Expect(result.Locator("tr", new() { HasText = "REGON" })).ToContainTextAsync("hidden");
        await Assertions.Expect(page.GetByTestId("see-as-counts")).ToContainTextAsync("counterparties");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "permissions-see-as.png"), FullPage = true });
        await page.CloseAsync();

        // Anna: no complaints in her menu, and the screen tells her why it is closed.
        var anna = await browser.NewPageAsync();
        await anna.GotoAsync(browser.BaseUrl + "/signin");
        await browser.SignInAsync(anna, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(anna.GetByTestId("nav-crm")).ToBeVisibleAsync();
        await Assertions.Expect(anna.GetByTestId("nav-complaints")).ToHaveCountAsync(0);
        await anna.GotoAsync(browser.BaseUrl + "/complaints");
        await Assertions.Expect(anna.GetByTestId("no-right-to-screen")).ToBeVisibleAsync();
        await anna.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "permissions-anna-complaints.png") });
        await anna.CloseAsync();
    }
}
