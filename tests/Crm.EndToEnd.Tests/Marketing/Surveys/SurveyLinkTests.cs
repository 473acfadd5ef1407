#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Server;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests.Marketing.Surveys;

/// <summary>A person answers a survey through the link they were sent (without signing in), and the marketer sees the answer in the analysis.</summary>
public sealed class SurveyLinkTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Person_AnswersThroughTheLink_StaffSeesItInTheAnalysis()
    {
        var page = await browser.NewPageAsync();
        using var kasia = await ClientAsync("kasia", CrmAppFactory.DemoPassword);
        var (survey, link) = await ArrangeAsync(kasia);

        // The person opens the link: no sign-in, a plain form; a missing required answer is named.
        await page.GotoAsync(browser.BaseUrl + new Uri(link).AbsolutePath);
        await Assertions.Expect(page.GetByTestId("public-survey-title")).ToHaveTextAsync("Badanie satysfakcji – maj");
        await page.GetByTestId("survey-question-1").GetByLabel("dobrze").CheckAsync();
        await page.GetByTestId("public-survey-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("survey-question-error")).ToContainTextAsync("Czy polecisz nas znajomym?");
        await page.ScreenshotAsync(new() { Path = Shot("survey-link-errors.png"), FullPage = true });
        await page.GetByTestId("survey-question-2").GetByLabel("4").CheckAsync();
        await page.GetByTestId("survey-question-3").Locator("textarea").FillAsync("Bardzo miła obsługa.");
        await page.GetByTestId("public-survey-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("survey-thanks")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("survey-link-thanks.png"), FullPage = true });

        // The marketer sees the response and its distribution.
        await page.GotoAsync(browser.BaseUrl + $"/signin?returnUrl=%2Fsurveys%2F{survey}");
        await browser.SignInAsync(page, "anna", CrmAppFactory.DemoPassword);
        await Assertions.Expect(page.GetByTestId("survey-responses")).ToContainTextAsync("Ogrodnictwo Zielony Zakątek");
        await page.ScreenshotAsync(new() { Path = Shot("survey-page.png"), FullPage = true });
        await page.Locator(".mud-tab", new() { HasText = "Analysis" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("analysis-question-1")).ToContainTextAsync("1 answered");
        await Assertions.Expect(page.GetByTestId("analysis-question-1").GetByTestId("analysis-row").First).ToContainTextAsync("100");
        await Assertions.Expect(page.GetByTestId("analysis-question-2").GetByTestId("analysis-average")).ToContainTextAsync("4");
        await Assertions.Expect(page.GetByTestId("analysis-question-3")).ToContainTextAsync("Bardzo miła obsługa.");
        await page.ScreenshotAsync(new() { Path = Shot("survey-analysis.png"), FullPage = true });

        // The other screens render for the marketer: list, bank, templates, the staff form.
        await page.GotoAsync(browser.BaseUrl + "/surveys");
        await Assertions.Expect(page.GetByTestId("surveys-table")).ToContainTextAsync("Badanie satysfakcji – maj");
        await page.ScreenshotAsync(new() { Path = Shot("surveys-list.png"), FullPage = true });
        await page.GotoAsync(browser.BaseUrl + "/surveys/bank");
        await Assertions.Expect(page.GetByTestId("survey-questions")).ToContainTextAsync("Czy polecisz nas znajomym?");
        await page.ScreenshotAsync(new() { Path = Shot("survey-bank.png"), FullPage = true });
        await page.GotoAsync(browser.BaseUrl + "/surveys/templates");
        await Assertions.Expect(page.GetByTestId("template-list")).ToContainTextAsync("Satysfakcja");
        await page.ScreenshotAsync(new() { Path = Shot("survey-templates.png"), FullPage = true });
        await page.GotoAsync(browser.BaseUrl + $"/surveys/{survey}/answer");
        await Assertions.Expect(page.GetByTestId("survey-question-2")).ToContainTextAsync("Czy polecisz nas znajomym?");
        await Assertions.Expect(page.GetByTestId("survey-question-2")).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByTestId("survey-question-2")).ToContainTextAsync("5");
        await Assertions.Expect(page.GetByTestId("survey-question-2")).Not.ToContainTextAsync("6");
        await page.ScreenshotAsync(new() { Path = Shot("survey-staff-form.png"), FullPage = true });
        await page.CloseAsync();
    }

    private async Task<HttpClient> ClientAsync(string user, string password)
    {
        var client = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { userName = user, password })).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    /// <summary>A survey of three questions and a link for a person of a sales-region company (anna sees it).</summary>
    private static async Task<(Guid Survey, string Link)> ArrangeAsync(HttpClient admin)
    {
        var type = await IdAsync(await admin.PostAsJsonAsync("/api/survey-types", new { name = "satysfakcja" }));
        var service = await IdAsync(await admin.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "Jak oceniasz obsługę?", kind = "single-choice", choices = new[] { "dobrze", "źle" } }));
        var recommend = await IdAsync(await admin.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "Czy polecisz nas znajomym?", kind = "scale", min = 1, max = 5 }));
        var remarks = await IdAsync(await admin.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "Uwagi", kind = "open-text" }));
        var template = await IdAsync(await admin.PostAsJsonAsync("/api/survey-templates", new
        {
            typeId = type, name = "Satysfakcja",
            questions = new object[] { new { questionId = service, required = true }, new { questionId = recommend, required = true }, new { questionId = remarks, required = false } },
        }));
        var survey = await IdAsync(await admin.PostAsJsonAsync("/api/surveys", new { templateId = template, title = "Badanie satysfakcji – maj" }));
        var company = await IdAsync(await admin.PostAsJsonAsync("/api/counterparties", new { name = "Ogrodnictwo Zielony Zakątek", region = "sales" }));
        var person = await IdAsync(await admin.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Teresa", lastName = "Zielińska" }));
        var link = await (await admin.PostAsJsonAsync($"/api/surveys/{survey}/links", new { personId = person })).Content.ReadFromJsonAsync<JsonElement>();
        return (survey, link.GetProperty("url").GetString()!);
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        return Path.Combine(BrowserFixture.Artifacts, name);
    }
}
