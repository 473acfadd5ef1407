using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>An admin adds a custom field; the list is filtered on a custom field, shows chosen columns and exports exactly that; a company is edited.</summary>
public sealed class CrmFieldsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_DefinesField_ListFiltersOnCustomField_ChosenColumnsExport_AndEditFillsTheField()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm%2Fsettings");
        await browser.SignInAsync(page, "kasia", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("dictionary-entries")).ToContainTextAsync("budownictwo");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Custom fields" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("custom-fields")).ToContainTextAsync("cf.employees");
        await PageInput.FillSettledAsync(PageInput.Input(page, "field-label"), "Liczba oddziałów");
        await PageInput.FillSettledAsync(PageInput.Input(page, "field-key"), "branches");
        await page.GetByTestId("field-type").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Number')");
        await page.GetByTestId("field-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("custom-fields")).ToContainTextAsync("cf.branches");
        await page.ScreenshotAsync(new() { Path = Shot("crm-settings.png"), FullPage = true });

        // A field for persons too: it appears on every person's page.
        await page.GetByTestId("field-entity").GetByText("Persons").ClickAsync();
        await Assertions.Expect(page.GetByTestId("custom-fields")).Not.ToContainTextAsync("cf.branches");
        await page.Locator("input[data-testid=field-label], [data-testid=field-label] input").First.FillAsync("Profil LinkedIn");
        await page.Locator("input[data-testid=field-key], [data-testid=field-key] input").First.FillAsync("linkedin");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("field-type").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Text')");
        await page.GetByTestId("field-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("custom-fields")).ToContainTextAsync("cf.linkedin");
        await page.GotoAsync(browser.BaseUrl + "/crm/persons");
        await page.GetByTestId("persons-table").GetByTestId("person-link").First.ClickAsync();
        await page.Locator("input[data-testid=cf-linkedin], [data-testid=cf-linkedin] input").First.FillAsync("https://linkedin.com/in/e2e");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("person-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("input[data-testid=cf-linkedin], [data-testid=cf-linkedin] input").First).ToHaveValueAsync("https://linkedin.com/in/e2e");

        // The persons list shows the field as a column once chosen.
        await page.GotoAsync(browser.BaseUrl + "/crm/persons");
        var persons = page.GetByTestId("persons-table");
        await Assertions.Expect(persons.Locator("tbody tr").First).ToContainTextAsync("@");   // rows load once the page is interactive
        await page.GetByTestId("columns").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Profil LinkedIn')");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(persons.Locator("th").Filter(new() { HasText = "Profil LinkedIn" })).ToBeVisibleAsync();
        await Assertions.Expect(persons.Locator("tbody tr").First).ToContainTextAsync("https://linkedin.com/in/e2e");
        await Assertions.Expect(page.GetByTestId("persons-export")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("columns=.*cf.linkedin"));
        await page.GotoAsync(browser.BaseUrl + "/crm/settings");

        // The list, filtered on a custom field, with that field as a column.
        await page.GotoAsync(browser.BaseUrl + "/crm");
        await Assertions.Expect(page.GetByTestId("crm-table")).ToContainTextAsync("sp. z o.o.");
        await page.GetByTestId("toggle-filters").ClickAsync();
        await page.GetByTestId("filter-add").ClickAsync();
        await page.GetByTestId("filter-field").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Liczba pracowników')");
        await page.Locator("input[data-testid=filter-value], [data-testid=filter-value] input").First.FillAsync("800");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("filter-apply").ClickAsync();
        await page.GetByTestId("columns").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Liczba pracowników')");
        await page.Keyboard.PressAsync("Escape");
        var table = page.GetByTestId("crm-table");
        await Assertions.Expect(table.Locator("th").Filter(new() { HasText = "Liczba pracowników" })).ToBeVisibleAsync();
        await Assertions.Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();
        var shown = await table.Locator("tbody tr td:nth-child(6)").AllInnerTextsAsync();
        Assert.NotEmpty(shown);
        Assert.All(shown, text => Assert.True(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) >= 800, text));
        // Sorted on the custom column, largest first (two clicks on its header).
        await table.Locator("th").Filter(new() { HasText = "Liczba pracowników" }).Locator(".mud-table-sort-label").ClickAsync();
        await table.Locator("th").Filter(new() { HasText = "Liczba pracowników" }).Locator(".mud-table-sort-label").ClickAsync();
        await Assertions.Expect(table.Locator("th .mud-direction-desc")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("export")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("sort=cf.employees&desc=true"));
        var sorted = (await table.Locator("tbody tr td:nth-child(6)").AllInnerTextsAsync()).Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sorted.OrderByDescending(v => v), sorted);
        await page.ScreenshotAsync(new() { Path = Shot("crm-list-filtered.png"), FullPage = true });

        // The export link carries the same filter and columns; the file has only matching rows.
        var href = await page.GetByTestId("export").GetAttributeAsync("href");
        Assert.Contains("filter=cf.employees%3Agte%3A800", href);
        var response = await page.Context.APIRequest.GetAsync(browser.BaseUrl + "/" + href);
        Assert.Equal(200, response.Status);
        var sheet = ReadSheet(await response.BodyAsync());
        Assert.Equal("Name|NIP|City|Categories|Owner|Liczba pracowników", sheet[0]);
        Assert.True(sheet.Count > 1);
        Assert.All(sheet.Skip(1), row => Assert.True(double.Parse(row.Split('|')[5], System.Globalization.CultureInfo.InvariantCulture) >= 800, row));
        var exported = sheet.Skip(1).Select(row => double.Parse(row.Split('|')[5], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(exported.OrderByDescending(v => v), exported);   // in the order on screen

        // Editing a company fills the new field and changes its trade terms.
        await table.GetByTestId("counterparty-link").First.ClickAsync();
        await page.GetByTestId("edit-counterparty").ClickAsync();
        await page.Locator("input[data-testid=cf-branches], [data-testid=cf-branches] input").First.FillAsync("3");
        await page.Locator("input[data-testid=cp-payment-days], [data-testid=cp-payment-days] input").First.FillAsync("45");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("cp-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-branches")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("payment-terms")).ToContainTextAsync("45 d");
        await Assertions.Expect(page.GetByTestId("relation-tree")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("crm-company-fields.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Staff_SeeNoSensitiveColumns_AndTheFunnelAndTimeReportsRender()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await page.GetByTestId("columns").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Turnover" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Credit limit" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Ocena wiarygodności" })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal(400, (await page.Context.APIRequest.GetAsync(browser.BaseUrl + "/api/counterparties/export?columns=name,creditLimit")).Status);

        await page.GotoAsync(browser.BaseUrl + "/crm/funnel");
        await Assertions.Expect(page.GetByTestId("funnel-conversion")).ToContainTextAsync("Qualification → Offer");
        await Assertions.Expect(page.GetByTestId("funnel-owners")).ToContainTextAsync("anna");   // staff see their own cases
        await page.ScreenshotAsync(new() { Path = Shot("crm-funnel.png"), FullPage = true });
        await page.GotoAsync(browser.BaseUrl + "/crm/time-cost");
        await Assertions.Expect(page.GetByTestId("time-cost-table")).ToContainTextAsync("sp.");
        await Assertions.Expect(page.GetByTestId("time-cost-chart")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("crm-time-cost.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Staff_AddPersonsFromTheCompanyPageAndStandalone_AndFindThemInThePersonsList()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        var company = page.GetByTestId("crm-table").GetByTestId("counterparty-link").First;
        var companyName = (await company.InnerTextAsync()).Trim();
        await company.ClickAsync();
        await page.GetByTestId("add-person").ClickAsync();

        // The form opens with the company chosen; a bad e-mail is named on its field and nothing is stored.
        await Assertions.Expect(page.Locator("input[data-testid=person-company], [data-testid=person-company] input").First).ToHaveValueAsync(companyName);
        await page.Locator("input[data-testid=person-first], [data-testid=person-first] input").First.FillAsync("Halina");
        await page.Locator("input[data-testid=person-last], [data-testid=person-last] input").First.FillAsync("Testowska");
        await page.Locator("input[data-testid=person-email], [data-testid=person-email] input").First.FillAsync("halina-at-firma");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("save-person").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-form")).ToContainTextAsync("This is not an e-mail address.");
        await page.Locator("input[data-testid=person-email], [data-testid=person-email] input").First.FillAsync("halina@firma.pl");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("save-person").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-form")).ToHaveCountAsync(0);

        // A standalone person (no company).
        await page.GetByTestId("new-person").ClickAsync();
        await page.Locator("input[data-testid=person-first], [data-testid=person-first] input").First.FillAsync("Zenon");
        await page.Locator("input[data-testid=person-last], [data-testid=person-last] input").First.FillAsync("Testowski");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("save-person").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-form")).ToHaveCountAsync(0);

        await page.Locator("input[data-testid=person-search], [data-testid=person-search] input").First.FillAsync("testow");
        var rows = page.GetByTestId("persons-table").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Filter(new() { HasText = "Halina" })).ToContainTextAsync(companyName);
        await Assertions.Expect(rows.Filter(new() { HasText = "Zenon" })).ToContainTextAsync("no company");
        // A filter on a field narrows the same list: persons without a company.
        await page.GetByTestId("toggle-filters").ClickAsync();
        await page.GetByTestId("filter-add").ClickAsync();
        await page.GetByTestId("filter-field").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^\\s*Company\\s*$") }).ClickAsync();
        await page.GetByTestId("filter-op").ClickAsync();
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('is empty')");
        await page.GetByTestId("filter-apply").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Zenon");
        await page.ScreenshotAsync(new() { Path = Shot("crm-persons.png"), FullPage = true });
        await page.GetByTestId("filter-clear").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        // The person page: anna edits the business side (roles, another phone); personal data stays hidden from her.
        await rows.Filter(new() { HasText = "Halina" }).GetByTestId("person-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-title")).ToHaveTextAsync("Halina Testowska");
        await Assertions.Expect(page.GetByTestId("person-personal")).ToContainTextAsync("finance group and managers only");
        await page.Locator("input[data-testid=person-roles], [data-testid=person-roles] input").First.FillAsync("decydent, zakupowiec");
        await page.GetByTestId("add-contact").ClickAsync();
        await page.Locator("input[data-testid=contact-value-0], [data-testid=contact-value-0] input").First.FillAsync("abc");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("person-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-business")).ToContainTextAsync("A phone number has digits");
        await page.Locator("input[data-testid=contact-value-0], [data-testid=contact-value-0] input").First.FillAsync("+48 601 202 303");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("person-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-chip").Filter(new() { HasText = "zakupowiec" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("input[data-testid=contact-value-0], [data-testid=contact-value-0] input").First).ToHaveValueAsync("+48 601 202 303");
        await page.ScreenshotAsync(new() { Path = Shot("crm-person.png"), FullPage = true });

        // marek (another region) sees neither anna's standalone person nor, through the API, the company's if he cannot see it.
        var marek = await browser.NewPageAsync();
        await marek.GotoAsync(browser.BaseUrl + "/signin?returnUrl=%2Fcrm%2Fpersons");
        await browser.SignInAsync(marek, "marek", CrmAppFactory.DemoPassword);
        var listed = await marek.Context.APIRequest.GetAsync(browser.BaseUrl + "/api/persons?search=testowski");
        Assert.Equal(200, listed.Status);
        Assert.DoesNotContain("Zenon", await listed.TextAsync(), StringComparison.Ordinal);
        await marek.CloseAsync();
        await page.CloseAsync();
    }

    private static List<string> ReadSheet(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return [.. sheet.Descendants<Row>().Select(r => string.Join("|", r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")))];
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
