using System.Text.RegularExpressions;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>
/// The product in Polish as demo users meet it: no format placeholder and none of the English texts and raw codes
/// the newcomer review found reach a page; history and the audit trail speak of people by name in sentences.
/// </summary>
public sealed partial class LocalisationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>English UI texts and raw codes once seen in the Polish UI (whole words, case-sensitive).</summary>
    private static readonly string[] NotPolish =
    [
        "Rows per page", "Expected close", "Started an instance", "of {all_items}", "Loading...",
        "TaskCreated", "TaskCompleted", "ElementLeft", "ElementEntered", "VariableSet", "InstanceStarted",
        "auth.sign-in", "VersionAdded", "qualification", "negotiation", "Unassigned", "Withdrawn", "Cancelled",
        "Qualify the opportunity", "Read and confirm the article", "Analyse the complaint", "Sales cycle",
    ];

    public static TheoryData<string, string[]> MainPages => new()
    {
        { "anna", ["/", "/tasks", "/crm", "/crm/persons", "/cases", "/crm/funnel", "/activities", "/complaints", "/kb", "/documents"] },
        { "marek", ["/crm/funnel", "/cases", "/campaigns", "/service"] },
        { "piotr", ["/processes", "/incidents", "/decisions", "/processes/sales-cycle"] },
        { "ewa", ["/compliance", "/register", "/gdpr"] },
    };

    [Theory]
    [MemberData(nameof(MainPages))]
    public async Task MainPages_InPolish_ShowNoPlaceholdersOrEnglish(string user, string[] paths)
    {
        var page = await SignInInPolishAsync(user, paths[0]);
        var problems = new List<string>();
        foreach (var path in paths)
        {
            await page.GotoAsync(browser.BaseUrl + path);
            await page.WaitForSelectorAsync("[data-ready=true]");
            await SettleAsync(page);
            // The diagrams show the process owner's own step names (the built-in models are in English): not UI text.
            var text = await page.EvaluateAsync<string>("() => { document.querySelectorAll('.djs-container, .bjs-container').forEach(e => e.style.display = 'none'); return document.body.innerText; }");
            problems.AddRange(Placeholder().Matches(text).Select(m => $"{path}: placeholder {m.Value}"));
            problems.AddRange(NotPolish.Where(phrase => Regex.IsMatch(text, $@"(?<![\p{{L}}.]){Regex.Escape(phrase)}(?![\p{{L}}])"))
                .Select(phrase => $"{path}: \"{phrase}\""));
        }

        await page.ScreenshotAsync(new() { Path = Shot($"polish-{user}.png") });
        await page.CloseAsync();
        Assert.True(problems.Count == 0, "not Polish:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task AuditTrail_InPolish_NamesPeopleAndActionsInWords()
    {
        var page = await SignInInPolishAsync("ewa", "/compliance");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Dziennik audytu" }).ClickAsync();
        // Her own sign-in, by her name and in words (the login "ewa" and "auth.sign-in" only in tooltips).
        var signIn = page.GetByTestId("audit-row").Filter(new() { HasText = "Zalogowanie" }).Filter(new() { HasText = "Ewa Lewandowska" });
        await Assertions.Expect(signIn.First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("audit-action").Filter(new() { HasTextRegex = new Regex(@"^auth\.") })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Shot("audit-trail-pl.png") });
        await page.CloseAsync();
    }

    [Fact]
    public async Task TaskHistory_InPolish_TellsWhatHappenedWithStepAndPersonNames()
    {
        // Anna opens a sales case: the sales cycle gives her a task whose history reads as sentences.
        var page = await SignInInPolishAsync("anna", "/crm");
        await page.GetByTestId("counterparty-link").Nth(2).ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToBeVisibleAsync();
        await PageInput.Input(page, "case-title").FillAsync("Drukarki dla biura");
        await PageInput.Input(page, "case-value").FillAsync("1234.56");
        await page.GetByTestId("create-case").ClickAsync();
        await Assertions.Expect(page.GetByTestId("cases")).ToContainTextAsync("Kwalifikacja");

        await page.GetByTestId("nav-tasks").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Moje zadania" }).ClickAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Drukarki dla biura" }).GetByTestId("task-link").First.ClickAsync();
        var history = page.GetByTestId("task-history");
        await Assertions.Expect(history).ToContainTextAsync("Utworzono zadanie „Zakwalifikuj szansę sprzedaży”");
        await Assertions.Expect(page.GetByTestId("task-name")).ToHaveTextAsync("Zakwalifikuj szansę sprzedaży");
        await Assertions.Expect(page.GetByTestId("field-decision")).ToContainTextAsync("kontynuuj");   // the form's choices too
        await Assertions.Expect(history).Not.ToContainTextAsync("TaskCreated");
        await Assertions.Expect(page.GetByTestId("assignee")).ToContainTextAsync("Anna Nowak");
        await page.ScreenshotAsync(new() { Path = Shot("task-history-pl.png"), FullPage = true });
        await page.CloseAsync();
    }

    private async Task<IPage> SignInInPolishAsync(string user, string path)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString(path));
        await browser.SignInAsync(page, user, CrmAppFactory.DemoPassword);
        await page.GetByTestId("lang-pl").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "pl");
        await page.WaitForSelectorAsync("[data-ready=true]");
        return page;
    }

    /// <summary>Waits until the page's lists have loaded (no progress bar left), within a few seconds.</summary>
    private static async Task SettleAsync(IPage page)
    {
        for (var i = 0; i < 20 && await page.Locator(".mud-progress-linear, .mud-table-loading").CountAsync() > 0; i++)
        {
            await page.WaitForTimeoutAsync(250);
        }

        await page.WaitForTimeoutAsync(300);   // rows render in the next frame after the data arrives
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }

    [GeneratedRegex(@"\{\d+\}|\{[a-z_]+\}")]
    private static partial Regex Placeholder();
}
