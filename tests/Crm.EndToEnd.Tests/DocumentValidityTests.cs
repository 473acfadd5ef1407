using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>A salesperson gives a contract its validity and company; it shows on the expiring list and on the company's page.</summary>
public sealed class DocumentValidityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ValidityPanel_ExpiringList_AndCompanyPage()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fdocuments");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        var company = await FirstCompanyOfAnnaAsync();

        await page.GetByTestId("folder-Umowy").ClickAsync();
        await page.GetByTestId("document-link").Filter(new() { HasText = "Umowa ramowa ACME" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("validity-panel")).ToBeVisibleAsync();
        var validTo = DateTime.UtcNow.Date.AddDays(20);
        await PageInput.FillSettledAsync(PageInput.Input(page, "valid-to"), validTo.ToString("d", CultureInfo.GetCultureInfo("en")));
        await PageInput.Input(page, "validity-counterparty").FillAsync(company.Name[..Math.Min(6, company.Name.Length)]);
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{company.Name}')");
        await page.GetByTestId("save-validity").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("validity-state")).ToContainTextAsync("20 days left");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "document-validity.png"), FullPage = true });

        await page.GetByTestId("nav-expiring-documents").ClickAsync();
        var table = page.GetByTestId("expiring-table");
        var row = table.Locator("tbody tr").Filter(new() { HasText = "Umowa ramowa ACME" });
        await Assertions.Expect(row).ToContainTextAsync(company.Name);
        await Assertions.Expect(row.GetByTestId("expiring-days-left")).ToHaveTextAsync("20");
        await page.GetByTestId("expiring-days").GetByText("Next 90 days").ClickAsync();
        await page.GetByTestId("expiring-expired").ClickAsync();
        await Assertions.Expect(row).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "expiring-documents.png"), FullPage = true });

        await row.Locator($"a[href='crm/{company.Id}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("company-documents")).ToContainTextAsync("Umowa ramowa ACME");
        await page.CloseAsync();
    }

    private async Task<CounterpartyListItem> FirstCompanyOfAnnaAsync()
    {
        var anna = new CurrentUser(Guid.Empty, "anna", new HashSet<string> { Roles.Staff }, new HashSet<string> { "sales", "complaints" });
        await using var scope = browser.Services.CreateAsyncScope();
        var list = await scope.ServiceProvider.GetRequiredService<CounterpartyService>().ListAsync(null, null, 1, 1, anna, CancellationToken.None);
        return Assert.Single(list.Items);
    }
}
