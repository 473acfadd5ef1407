using Microsoft.Playwright;
using Xunit;
using Crm.Tests.Server;

namespace Crm.EndToEnd.Tests;

/// <summary>A letter from a Word template on a company page: the preview says what will be filled in, the document is made and linked.</summary>
public sealed class LetterTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task StaffGenerateALetterFromATemplate_OnACompanyPage()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await page.GetByTestId("counterparty-link").First.ClickAsync();
        var company = (await page.GetByTestId("counterparty-name").InnerTextAsync()).Trim();
        await page.GetByTestId("letter-open").ClickAsync();
        await page.GetByTestId("letter-template").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Pismo do klienta" }).ClickAsync();
        var preview = page.GetByTestId("letter-preview");
        await Assertions.Expect(preview).ToContainTextAsync(company);
        await Assertions.Expect(preview).ToContainTextAsync("{{person.salutation}}");
        await Assertions.Expect(page.GetByTestId("letter-folder")).ToContainTextAsync("Korespondencja");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "letter-preview.png"), FullPage = true });
        await page.GetByTestId("letter-generate").ClickAsync();
        var made = page.GetByTestId("letter-made");
        await Assertions.Expect(made).ToContainTextAsync("Pismo do klienta");
        await Assertions.Expect(page.GetByTestId("timeline")).ToContainTextAsync("Pismo do klienta");
        await made.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/documents/[0-9a-f-]+$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "letter-document.png"), FullPage = true });
        await page.CloseAsync();
    }
}
