using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>Staff work a demo complaint through the inbox and filter it by the record a task concerns; a process owner deploys a broken model and sees why.</summary>
public sealed class InboxTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Staff_ClaimsGroupTask_FillsForm_AndCompletesIt()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Ftasks");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-table")).ToContainTextAsync("RK-2026-0001");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0001" }).GetByTestId("claim").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "My tasks" }).ClickAsync();
        // The list reloads (tab change, and the counts changed by the claim): click once it shows my tasks.
        await Assertions.Expect(page.GetByTestId("claim")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("task-table")).ToContainTextAsync("RK-2026-0001");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0001" }).GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-name")).ToHaveTextAsync("Register complaint");
        await Assertions.Expect(page.GetByTestId("assignee")).ToContainTextAsync("Anna Nowak");

        // The server validates the form: a too-short subject and a missing severity come back on the fields.
        await Field(page, "subject").FillAsync("x");
        await page.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(page.GetByText("Use at least 3 characters.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("This field is required.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "task-form-errors.png"), FullPage = true });

        await Field(page, "subject").FillAsync("Broken lid on delivery");
        await page.Keyboard.PressAsync("Tab");   // the field binds on change: let it reach the server before the next click
        await page.GetByTestId("field-severity").GetByText("low", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-severity").GetByRole(AriaRole.Radio, new() { Name = "low" })).ToBeCheckedAsync();
        await page.GetByTestId("complete").ClickAsync();

        // Polls the address (Blazor navigates without a page load).
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tasks$"));
        await Assertions.Expect(page.GetByText("Task completed.")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task ProcessOwner_DeployingBrokenModel_SeesElementErrors()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fprocesses");
        await browser.SignInAsync(page, "piotr", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("process-table")).ToContainTextAsync("complaint-intake");

        await page.GetByTestId("deploy-file").SetInputFilesAsync(new FilePayload
        {
            Name = "broken.bpmn",
            MimeType = "application/xml",
            Buffer = """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
                  <bpmn:process id="broken" isExecutable="true">
                    <bpmn:startEvent id="start"/>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="missingTask"/>
                  </bpmn:process>
                </bpmn:definitions>
                """u8.ToArray(),
        });

        await Assertions.Expect(page.GetByTestId("deploy-errors")).ToContainTextAsync("f1");
        await Assertions.Expect(page.GetByTestId("deploy-errors")).ToContainTextAsync("missingTask");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "deploy-errors.png"), FullPage = true });
        await page.CloseAsync();
    }

    private static ILocator Field(IPage page, string name) =>
        page.Locator($"input[data-testid=field-{name}], [data-testid=field-{name}] input").First;

    [Fact]
    public async Task Inbox_FiltersByTheCompanyATaskConcerns_PickedByName()
    {
        var page = await browser.NewPageAsync();   // starts the server

        // Two new companies of anna's, each with a sales case: the sales cycle gives anna a task linked to each.
        var anna = new CurrentUser(Guid.Empty, "anna", new HashSet<string> { Roles.Staff }, new HashSet<string> { "sales", "complaints" });
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await using (var scope = browser.Services.CreateAsyncScope())
        {
            foreach (var name in new[] { $"Filtrowana Hurtownia {suffix}", $"Inna Hurtownia {suffix}" })
            {
                var company = await scope.ServiceProvider.GetRequiredService<CounterpartyService>().CreateAsync(new CreateCounterpartyRequest("company", name,
                    null, null, null, null, null, null, null, ["customer"], "sales", null, null, null, "PLN", null, null, null), anna, CancellationToken.None);
                await scope.ServiceProvider.GetRequiredService<CaseService>().CreateAsync(
                    new CreateCaseRequest($"Dostawy {name}", company, null, 1000, "PLN", null, null, null, null), anna, CancellationToken.None);
            }
        }

        // The suggestions come from the search index, fed through the outbox: wait until it has the new company.
        var until = DateTime.UtcNow.AddSeconds(90);   // the start-up index rebuild may still be running under load
        while (true)
        {
            await using var scope = browser.Services.CreateAsyncScope();
            var found = await scope.ServiceProvider.GetRequiredService<Crm.Platform.Search.GlobalSearch>()
                .RunAsync("Filtrowana Hurtownia " + suffix, anna, Crm.Platform.Common.AccessContext.Internal, 5, CancellationToken.None);
            if (found.Groups.Any(g => g.Key == "counterparties" && g.Items.Count > 0))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, "the index never found the company: " + System.Text.Json.JsonSerializer.Serialize(found));

            await Task.Delay(200);
        }

        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Ftasks");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        var rows = page.GetByTestId("task-table").Locator("tbody tr");
        await Assertions.Expect(rows.Filter(new() { HasText = "Qualify the opportunity" }).First).ToBeVisibleAsync();

        // The filter asks for a name, not an id: the company is picked from suggestions that say what kind of record each is.
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });   // interactive
        await page.Locator("input[data-testid=task-link-filter], [data-testid=task-link-filter] input").First.FillAsync("Filtrowana Hurtownia " + suffix);
        var option = page.GetByTestId("task-link-option").Filter(new() { HasText = "Filtrowana Hurtownia " + suffix }).First;
        await Assertions.Expect(option).ToContainTextAsync("Companies", new() { Timeout = 15_000 });   // debounce and search under load
        await option.ClickAsync();

        // Only the tasks concerning that company are left.
        await Assertions.Expect(page.GetByTestId("task-link")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("task-link")).ToHaveTextAsync("Qualify the opportunity");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "inbox-concerning-filter.png"), FullPage = true });
        await page.GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(page.GetByText("Filtrowana Hurtownia " + suffix).First).ToBeVisibleAsync();
        await page.CloseAsync();
    }
}
