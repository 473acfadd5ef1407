using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>A staff member registers a complaint from the company page, books a cost, and works it through analysis, decision, answer and resolution until it closes.</summary>
public sealed class ComplaintTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Staff_RegisterAComplaint_AddACost_DecideAnswerResolve_AndItCloses()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcomplaints");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        // The demo desk: complaints in several states, one past its deadline (accepted by law), one two days before it.
        await Assertions.Expect(page.GetByTestId("complaints-table")).ToContainTextAsync("REK/");
        await Assertions.Expect(page.GetByTestId("complaints-table")).ToContainTextAsync("days left");
        await page.ScreenshotAsync(new() { Path = Shot("complaints-list.png"), FullPage = true });

        // Registered from the company page: the form knows the company.
        await page.GotoAsync(browser.BaseUrl + "/crm");
        await page.GetByTestId("counterparty-link").First.ClickAsync();
        await page.GetByTestId("add-complaint").ClickAsync();
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(PageInput.Input(page, "complaint-company")).Not.ToHaveValueAsync("");
        await PageInput.FillSettledAsync(PageInput.Input(page, "complaint-subject"), "Wygięte półki regału");
        await PageInput.FillSettledAsync(PageInput.Input(page, "complaint-product"), "Regał magazynowy R-9");
        await PageInput.FillSettledAsync(PageInput.Input(page, "complaint-defect"), "Dwie półki wygięte po montażu.");
        await PageInput.FillSettledAsync(PageInput.Input(page, "complaint-claimed"), "450");
        await page.ScreenshotAsync(new() { Path = Shot("complaint-new.png"), FullPage = true });
        await page.GetByTestId("register-complaint").ClickAsync();
        await Assertions.Expect(page.GetByTestId("complaint-number")).ToContainTextAsync("REK/");
        await Assertions.Expect(page.GetByTestId("complaint-status")).ToHaveTextAsync("Open");
        await Assertions.Expect(page.GetByTestId("complaint-deadline")).ToContainTextAsync("days left");
        var complaintUrl = page.Url;

        // A cost line: the total follows.
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("cost-type").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Transport')");
        await PageInput.FillSettledAsync(PageInput.Input(page, "cost-amount"), "120");
        await page.GetByTestId("cost-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("complaint-cost-total")).ToContainTextAsync("120");

        await WorkAsync(page, complaintUrl, "Analyse the complaint", () => PageInput.FillSettledAsync(PageInput.Input(page, "field-findings"), "Uszkodzenie w transporcie."));
        await WorkAsync(page, complaintUrl, "Decide: accept or reject", async () =>
        {
            await page.GetByTestId("field-decision").GetByText("accepted", new() { Exact = true }).ClickAsync();
            await PageInput.FillSettledAsync(PageInput.Input(page, "field-justification"), "Szkoda transportowa: wymieniamy półki.");
        });
        await Assertions.Expect(page.GetByTestId("complaint-decision")).ToHaveTextAsync("Accepted");
        await WorkAsync(page, complaintUrl, "Answer the customer", () => page.GetByTestId("field-answerChannel").GetByText("letter", new() { Exact = true }).ClickAsync());
        await Assertions.Expect(page.GetByTestId("complaint-status")).ToHaveTextAsync("Answered");
        await WorkAsync(page, complaintUrl, "Carry out the resolution", () => PageInput.FillSettledAsync(PageInput.Input(page, "field-resolution"), "Półki wymienione u klienta."));
        await Assertions.Expect(page.GetByTestId("complaint-status")).ToHaveTextAsync("Closed");
        await Assertions.Expect(page.GetByTestId("complaint-resolution")).ToHaveTextAsync("Półki wymienione u klienta.");
        await Assertions.Expect(page.GetByTestId("complaint-history")).ToContainTextAsync("Szkoda transportowa");
        await page.ScreenshotAsync(new() { Path = Shot("complaint-page.png"), FullPage = true });

        // The cost report shows the new cost in its chart and table.
        await page.GotoAsync(browser.BaseUrl + "/complaints/costs");
        await Assertions.Expect(page.GetByTestId("complaint-costs-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("complaint-costs-table")).ToContainTextAsync("Transport");
        await page.ScreenshotAsync(new() { Path = Shot("complaint-costs.png"), FullPage = true });
        await page.CloseAsync();
    }

    /// <summary>Opens the complaint's open task from its page, claims it, fills its form, completes it and returns to the complaint.</summary>
    private static async Task WorkAsync(IPage page, string complaintUrl, string task, Func<Task> fill)
    {
        await page.GetByTestId("complaint-open-task").Filter(new() { HasText = task }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-name")).ToHaveTextAsync(task);
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("claim").ClickAsync();
        await Assertions.Expect(page.GetByTestId("complete")).ToBeVisibleAsync();
        await fill();
        await page.GetByTestId("complete").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(TasksPage);   // Blazor navigates without a page load: poll the address
        await page.GotoAsync(complaintUrl);
        await page.WaitForSelectorAsync(".mud-layout[data-ready=true]", new() { State = WaitForSelectorState.Attached });
    }

    private static readonly System.Text.RegularExpressions.Regex TasksPage = new("/tasks$");

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
