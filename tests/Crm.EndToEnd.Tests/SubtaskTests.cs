using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>On the task page the assignee splits work off to a colleague; the main task then refuses completion until it is done.</summary>
public sealed class SubtaskTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Assignee_SplitsWorkOff_AndTheMainTaskWaitsForIt()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Ftasks");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0002" });
        await row.GetByTestId("claim").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "My tasks" }).ClickAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0002" }).GetByTestId("task-link").ClickAsync();
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });

        await PageInput.FillSettledAsync(PageInput.Input(page, "subtask-name"), "Sprawdź fakturę u dostawcy");
        await PageInput.FillSettledAsync(PageInput.Input(page, "subtask-assignee"), "jan");
        await page.GetByTestId("subtask-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("subtask-row")).ToContainTextAsync("Sprawdź fakturę u dostawcy");
        await Assertions.Expect(page.GetByTestId("subtask-row")).ToContainTextAsync("jan");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "subtasks.png"), FullPage = true });

        // The main task waits for the required subtask: the form is valid, the refusal names what is open.
        await PageInput.FillSettledAsync(PageInput.Input(page, "field-subject"), "Broken lid on delivery");
        await page.GetByTestId("field-severity").GetByText("low", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(page.GetByText("Required subtasks are still open")).ToBeVisibleAsync();
        await page.CloseAsync();
    }
}
