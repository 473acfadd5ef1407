using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>The complaints and service desk pages in Polish: headings, statuses, stages and SLA states read as Polish words, not codes.</summary>
public sealed class ComplaintsInPolishTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ComplaintsAndServiceDesk_SpeakPolish()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcomplaints");
        await browser.SignInAsync(page, "marek", CrmAppFactory.DemoPassword);
        await page.GetByTestId("lang-pl").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reklamacje" })).ToBeVisibleAsync();
        var table = page.GetByTestId("complaints-table");
        await Assertions.Expect(table).ToContainTextAsync("Otwarta");
        await Assertions.Expect(table).ToContainTextAsync("zostało dni");
        await Assertions.Expect(table).Not.ToContainTextAsync("days left");
        await page.ScreenshotAsync(new() { Path = Shot("complaints-list-pl.png"), FullPage = true });

        await table.Locator("tbody tr").Filter(new() { HasText = "Pęknięta obudowa pralki" }).GetByTestId("complaint-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("complaint-history")).ToContainTextAsync("Zarejestrowano");
        await Assertions.Expect(page.GetByTestId("complaint-progress")).ToContainTextAsync("Czekamy na ekspertyzę");
        await page.ScreenshotAsync(new() { Path = Shot("complaint-page-pl.png"), FullPage = true });

        await page.GotoAsync(browser.BaseUrl + "/complaints/costs");
        await Assertions.Expect(page.GetByTestId("complaint-costs-table")).ToContainTextAsync("Ekspertyza");
        await page.CloseAsync();
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
