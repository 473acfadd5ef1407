using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>GDPR erasure in the browser: an admin asks on the person page, the compliance officer approves in her inbox, the certificate is shown.</summary>
public sealed class ErasureTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AdminAsks_ComplianceApproves_AndTheCertificateTellsWhatWasErased()
    {
        var page = await browser.NewPageAsync();
        Guid personId;
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            personId = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Persons.OrderBy(p => p.LastName).Select(p => p.Id).FirstAsync();
        }

        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString($"/crm/persons/{personId}"));
        await browser.SignInAsync(page, "kasia", CrmAppFactory.DemoPassword);
        await page.GetByTestId("erasure-ask").ClickAsync();
        await PageInput.FillSettledAsync(PageInput.Input(page, "erasure-reason"), "Letter of 2026-12-01 from the person (art. 17)");
        await page.GetByTestId("erasure-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("erasure-status")).ToContainTextAsync("awaiting approval");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "erasure-asked.png"), FullPage = true });
        await page.CloseAsync();

        // Ewa (compliance) approves from her inbox; the task links to the request.
        var ewa = await browser.NewPageAsync();
        await ewa.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Ftasks");
        await browser.SignInAsync(ewa, "ewa", CrmAppFactory.DemoPassword);
        await ewa.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await ewa.GetByTestId("task-table").GetByText("Approve the erasure of Erased person", new() { Exact = false }).First.ClickAsync();
        await Assertions.Expect(ewa.GetByTestId("task-links")).ToContainTextAsync("Erasure request");
        await ewa.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await ewa.GetByTestId("claim").ClickAsync();
        await Assertions.Expect(ewa.GetByTestId("complete")).ToBeVisibleAsync();
        await ewa.GetByTestId("field-decision").GetByText("approve", new() { Exact = true }).ClickAsync();
        await ewa.GetByTestId("field-documentsDecision").GetByText("keep", new() { Exact = true }).ClickAsync();
        await ewa.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "erasure-approval-task.png"), FullPage = true });
        await ewa.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(ewa).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tasks$"));

        await ewa.GotoAsync(browser.BaseUrl + "/gdpr");
        await ewa.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });   // a row click before the circuit is live does nothing
        await Assertions.Expect(ewa.GetByTestId("erasures-table")).ToContainTextAsync("erased");
        await ewa.GetByTestId("erasures-table").Locator("tbody tr").First.ClickAsync();
        await Assertions.Expect(ewa).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/gdpr/erasures/[0-9a-f-]+$"));
        await Assertions.Expect(ewa.GetByTestId("certificate")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(ewa.GetByTestId("certificate-audit")).ToContainTextAsync("pseudonymised");
        await ewa.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "erasure-certificate.png"), FullPage = true });

        await ewa.GotoAsync(browser.BaseUrl + $"/crm/persons/{personId}");
        await Assertions.Expect(ewa.GetByTestId("person-title")).ToContainTextAsync("Erased person");
        await ewa.CloseAsync();
    }
}
