using System.Text.RegularExpressions;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>The home dashboard per role, desktop and phone: each tile shows and its numbers lead to the list that shows exactly those rows.</summary>
public sealed class HomeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> SignInAsync(string user, int width = 1280)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(width, width < 600 ? 844 : 900);
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2F");
        await browser.SignInAsync(page, user, CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("home-tiles")).ToBeVisibleAsync();
        return page;
    }

    private static async Task<int> ValueAsync(IPage page, string testId)
    {
        var value = page.GetByTestId($"{testId}-value");
        await Assertions.Expect(value).ToHaveTextAsync(new Regex(@"^\d+$"));
        return int.Parse(await value.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Staff_SeesTheirTiles_AndEachCountOpensItsFilteredList()
    {
        var page = await SignInAsync("anna");
        foreach (var tile in new[] { "tile-tasks", "tile-activities", "tile-pipeline", "tile-readings", "tile-recent" })
        {
            await Assertions.Expect(page.GetByTestId(tile)).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByTestId("tile-processes")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("tile-compliance")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "home-desktop.png"), FullPage = true });

        // Recent records are not only documents: anna's demo contacts and notes put her companies there, and one opens its page.
        var company = page.GetByTestId("tile-recent").Locator("[data-testid=recent-item][data-kind=counterparty]").First;
        await Assertions.Expect(company).ToBeVisibleAsync();
        await company.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/crm/[0-9a-f-]{36}$"));
        await page.GotoAsync(browser.BaseUrl + "/");

        // My open tasks: the number is the inbox's "My tasks" tab count.
        var open = await ValueAsync(page, "tasks-open");
        await page.GetByTestId("tasks-open").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tasks\\?tab=mine$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = $"My tasks ({open})" })).ToBeVisibleAsync();

        // Overdue activities: the number is the activity list's total with the overdue filter on.
        await page.GotoAsync(browser.BaseUrl + "/");
        var overdue = await ValueAsync(page, "activities-overdue");
        await page.GetByTestId("activities-overdue").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/activities\\?show=overdue$"));
        await Assertions.Expect(page.GetByTestId("activity-show").GetByText("Overdue")).ToBeVisibleAsync();
        if (overdue > 0)
        {
            await Assertions.Expect(page.Locator(".mud-table-pagination-caption").Last).ToContainTextAsync($"of {overdue}");
        }

        // The pipeline opens the funnel of anna's own cases.
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.GetByTestId("tile-pipeline-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/crm/funnel\\?owner=anna$"));
        // Anna sees only her own cases: the field shows whose they are, by name, and cannot be changed.
        await Assertions.Expect(page.Locator("input[data-testid=funnel-owner], [data-testid=funnel-owner] input").First).ToHaveValueAsync("Anna Nowak");
        await page.CloseAsync();
    }

    [Fact]
    public async Task ProcessOwner_SeesIncidentsAndRunningInstances()
    {
        var page = await SignInAsync("piotr");
        await Assertions.Expect(page.GetByTestId("tile-processes")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("running-chart")).ToBeVisibleAsync();
        Assert.True(await ValueAsync(page, "processes-running") > 0);
        await ValueAsync(page, "processes-incidents");
        await page.GetByTestId("processes-incidents").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents$"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task ComplianceOfficer_SeesOverdueReadings_AndTheListFilteredToThem()
    {
        var page = await SignInAsync("ewa");
        await Assertions.Expect(page.GetByTestId("tile-compliance")).ToBeVisibleAsync();
        var late = await ValueAsync(page, "compliance-assignments");
        await page.GetByTestId("compliance-assignments").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/compliance\\?show=overdue$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Only assignments with overdue readers" })
            .Or(page.GetByRole(AriaRole.Switch, new() { Name = "Only assignments with overdue readers" }))).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("assignment-link")).ToHaveCountAsync(late);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Phone_ShowsTheTilesStackedWithTheBell()
    {
        var page = await SignInAsync("anna", 390);
        await Assertions.Expect(page.GetByTestId("tile-tasks")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("bell")).ToBeVisibleAsync();
        var tasks = await page.GetByTestId("tile-tasks").BoundingBoxAsync();
        var activities = await page.GetByTestId("tile-activities").BoundingBoxAsync();
        Assert.True(activities!.Y >= tasks!.Y + tasks.Height - 1, "on a phone the tiles stack");
        Assert.True(tasks.Width <= 390);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "home-phone.png"), FullPage = true });
        await page.CloseAsync();
    }
}
