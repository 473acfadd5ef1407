using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>
/// axe-core on the pages people use most finds nothing serious or critical (WCAG 2.1 A/AA and best practice);
/// the skip link is the first tab stop and lands on the content.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly AxeRunOptions Rules = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        // The document page previews a file in a sandboxed frame where no script may run (axe's own included): the
        // shell and page around it are checked, the customer's file is not ours to fix.
        Iframes = false,
    };

    [Fact]
    public async Task Staff_MainPages_HaveNoSeriousViolations()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/");
        var found = new List<string>();

        found.AddRange(await CheckAsync(page, "/"));
        found.AddRange(await CheckAsync(page, "/tasks", "task-table"));
        await page.GetByRole(AriaRole.Tab, new() { Name = "Group tasks" }).ClickAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "RK-2026-0001" }).GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-name")).ToBeVisibleAsync();
        found.AddRange(await CheckAsync(page, null));

        found.AddRange(await CheckAsync(page, "/crm", "counterparty-link"));
        await page.GetByTestId("counterparty-link").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crm/[0-9a-f-]{36}$"));
        found.AddRange(await CheckAsync(page, null));

        found.AddRange(await CheckAsync(page, "/documents", "folder-tree"));
        await page.GetByTestId("folder-Procedury").ClickAsync();
        await page.GetByTestId("document-link").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/documents/[0-9a-f-]{36}$"));
        found.AddRange(await CheckAsync(page, null));

        found.AddRange(await CheckAsync(page, "/kb"));
        Assert.True(found.Count == 0, "axe found serious or critical problems:\n" + string.Join('\n', found));
        await page.CloseAsync();
    }

    [Fact]
    public async Task ProcessOwner_ProcessesAndDesigner_HaveNoSeriousViolations()
    {
        var page = await Workplace.SignInAsync(browser, "piotr", "/processes");
        var found = new List<string>();

        found.AddRange(await CheckAsync(page, "/processes", "process-table"));
        await page.GotoAsync(browser.BaseUrl + "/processes/design");
        await page.WaitForSelectorAsync("[data-testid=designer-ready][data-ready=true]", new() { State = WaitForSelectorState.Attached });
        found.AddRange(await CheckAsync(page, null));
        Assert.True(found.Count == 0, "axe found serious or critical problems:\n" + string.Join('\n', found));
        await page.CloseAsync();
    }

    [Fact]
    public async Task SkipLink_IsTheFirstTabStop_AndMovesFocusToTheContent()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks");
        await Assertions.Expect(page.GetByTestId("task-table")).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByTestId("skip-link");
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();   // hidden until focused, then shown
        await Workplace.ScreenshotAsync(page, "skip-link");

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main#main-content")).ToBeFocusedAsync();
        await Assertions.Expect(page).ToHaveURLAsync(browser.BaseUrl + "/tasks");   // no navigation to the home page

        // The next tab stop is inside the content, not the app bar or the menu.
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('main-content').contains(document.activeElement)"));
        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
        Assert.NotEqual("none", outline);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Shell_HasBannerNavigationAndMainLandmarks()
    {
        var page = await Workplace.SignInAsync(browser, "anna", "/tasks");
        await Assertions.Expect(page.GetByRole(AriaRole.Banner)).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Main menu" })).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    /// <summary>Opens the page (or checks the one open), waits until it shows its content, then runs axe.</summary>
    private async Task<List<string>> CheckAsync(IPage page, string? path, string? contentTestId = null)
    {
        if (path is not null)
        {
            await page.GotoAsync(browser.BaseUrl + path);
            await page.WaitForSelectorAsync("[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        }

        if (contentTestId is not null)
        {
            await Assertions.Expect(page.GetByTestId(contentTestId).First).ToBeVisibleAsync();
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var result = await page.RunAxe(Rules);
        var where = new Uri(page.Url).AbsolutePath;
        return [.. result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help}: " + string.Join(" | ", v.Nodes.Take(4).Select(n => $"{n.Target} {n.Html}")))];
    }
}
