using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>Staff find a company, see its history and blocks, record a contact; a wrong NIP is named on its field.</summary>
public sealed class CrmTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Staff_FindCompany_RecordContact_AndBadNipIsShownOnTheField()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("crm-table")).ToContainTextAsync("sp. z o.o.");
        await page.ScreenshotAsync(new() { Path = Shot("crm-list.png") });
        await page.GetByTestId("counterparty-link").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("payment-terms")).ToHaveTextAsync("restricted");   // field-level: not for staff
        await page.Locator("input[data-testid=activity-subject], [data-testid=activity-subject] input").First.FillAsync("Telefon: potwierdzenie dostawy");
        await page.GetByTestId("add-activity").ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToContainTextAsync("Telefon: potwierdzenie dostawy");
        await page.ScreenshotAsync(new() { Path = Shot("crm-company.png"), FullPage = true });

        await page.GotoAsync(browser.BaseUrl + "/crm/new");
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await page.Locator("input[data-testid=cp-name], [data-testid=cp-name] input").First.FillAsync("Test Błędny NIP sp. z o.o.");
        await page.Locator("input[data-testid=cp-nip], [data-testid=cp-nip] input").First.FillAsync("5260250275");
        await page.GetByTestId("cp-save").ClickAsync();
        await Assertions.Expect(page.GetByText("The NIP's check digit is wrong (mistyped?).")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
