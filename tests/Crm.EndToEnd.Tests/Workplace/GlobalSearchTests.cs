using System.Text.RegularExpressions;
using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Workplace;

/// <summary>
/// The header's search as people use it, at desktop and phone width: a company by name and by NIP prefix, a Polish
/// inflected form, a document by content, keyboard to open, the full results page, and only what the user may see.
/// </summary>
public sealed partial class GlobalSearchTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Desktop_TypeAhead_FindsCompanyByNameAndNip_InflectedForm_AndDocumentByContent()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);

        // "/" focuses the box from anywhere; suggestions come grouped after two characters.
        await page.Locator("[data-testid=global-search][data-keys=on]").WaitForAsync();
        await page.Keyboard.PressAsync("/");
        var box = page.GetByTestId("global-search-input");
        await Assertions.Expect(box).ToBeFocusedAsync();
        await box.PressSequentiallyAsync("Agroex");
        var companies = page.Locator("[data-testid=global-search-group][data-group=counterparties]");
        await Assertions.Expect(companies).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("global-search-item").First).ToContainTextAsync("Agroex", new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "global-search-typeahead.png") });

        // Arrow down and Enter open the first company.
        await box.PressAsync("ArrowDown");
        await box.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(CompanyPage());

        // Ctrl+K, then a NIP prefix typed with a dash finds anna's company.
        var (name, nip) = await VisibleCompanyAsync("anna");
        await page.Keyboard.PressAsync("Control+k");
        await Assertions.Expect(box).ToBeFocusedAsync();
        await box.FillAsync($"{nip[..3]}-{nip[3..6]}");
        await Assertions.Expect(page.GetByTestId("global-search-item").Filter(new() { HasText = name }).First).ToBeVisibleAsync();

        // An inflected form: "reklamacja" finds the procedure titled "...reklamacji".
        await box.FillAsync("reklamacja");
        await Assertions.Expect(page.Locator("[data-testid=global-search-group][data-group=documents]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("global-search-item").Filter(new() { HasText = "Procedura obsługi reklamacji" })).ToBeVisibleAsync();

        // A document by words of its content, in another form than written ("urządzeń chłodniczych").
        await box.FillAsync("urządzenie chłodnicze");
        await Assertions.Expect(page.GetByTestId("global-search-item").Filter(new() { HasText = "Umowa ramowa ACME" })).ToBeVisibleAsync();

        // Enter on the text opens the full results, grouped, with "show all" to the module's list.
        await box.FillAsync("Agroex");
        await Assertions.Expect(companies).ToBeVisibleAsync();
        await box.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/search\\?q=Agroex$"));
        var group = page.Locator("[data-testid=search-page-group][data-group=counterparties]");
        await Assertions.Expect(group).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "global-search-results.png"), FullPage = true });
        await group.GetByTestId("search-page-show-all").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/crm\\?q=Agroex$"));
        await Assertions.Expect(page.Locator("input[data-testid=crm-search], [data-testid=crm-search] input").First).ToHaveValueAsync("Agroex");

        // Nothing found: a hint, not silence.
        await page.Keyboard.PressAsync("/");
        await box.FillAsync("qqxxzzyy");
        await Assertions.Expect(page.GetByTestId("global-search-empty")).ToContainTextAsync("Check the spelling");
        await box.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("global-search-panel")).ToHaveCountAsync(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Results_OnlyWhatTheUserMaySee()
    {
        // The confidential board letter is narrowed to marek and piotr.
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fsearch%3Fq%3Dpismo%2520poufne");
        await browser.SignInAsync(page, "marek", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("search-page-item").Filter(new() { HasText = "Pismo poufne - zarząd" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.CloseAsync();

        page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fsearch%3Fq%3Dpismo%2520poufne");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("search-page-total")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("search-page-item").Filter(new() { HasText = "Pismo poufne" })).ToHaveCountAsync(0);

        await page.CloseAsync();

        // A company jan does not see (the sales region; jan is in the office group) is not found by its NIP either.
        var (hidden, nip) = await HiddenCompanyAsync();
        page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fsearch%3Fq%3D" + nip);
        await browser.SignInAsync(page, "jan", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("search-page-total")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("search-page-item").Filter(new() { HasText = hidden })).ToHaveCountAsync(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Phone_IconExpandsTheBox_AndFindsTheCompany()
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Ftasks");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);

        await page.Locator("[data-testid=global-search][data-keys=on]").WaitForAsync();
        var box = page.GetByTestId("global-search-input");
        await Assertions.Expect(box).ToBeHiddenAsync();
        await page.GetByTestId("global-search-toggle").ClickAsync();
        await Assertions.Expect(box).ToBeVisibleAsync();
        await box.PressSequentiallyAsync("agroex");
        var first = page.GetByTestId("global-search-item").First;
        await Assertions.Expect(first).ToContainTextAsync("Agroex", new() { Timeout = 30_000 });
        var panel = await page.GetByTestId("global-search-panel").BoundingBoxAsync();
        Assert.NotNull(panel);
        Assert.True(panel.X >= 0 && panel.X + panel.Width <= 390, $"the suggestions fit the screen: {panel.X}+{panel.Width}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, "global-search-phone.png") });
        await first.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(CompanyPage());
        await page.CloseAsync();
    }

    [GeneratedRegex("/crm/[0-9a-f-]{36}$")]
    private static partial Regex CompanyPage();

    private async Task<(string Name, string Nip)> VisibleCompanyAsync(string user)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var company = await db.Counterparties.AsNoTracking().Where(c => c.Owner == user && c.Region == "sales" && c.Nip != null)
            .OrderBy(c => c.Name).FirstAsync();
        return (company.Name, company.Nip!);
    }

    private async Task<(string Name, string Nip)> HiddenCompanyAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var company = await db.Counterparties.AsNoTracking().Where(c => c.Owner != "jan" && c.Region == "sales" && c.Nip != null)
            .OrderBy(c => c.Name).FirstAsync();
        return (company.Name, company.Nip!);
    }
}
