#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Modules.Marketing.Surveys;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Crm.Workflow.Common;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Marketing.Surveys;

/// <summary>Surveys over HTTP on a real server: the bank and templates with problems per field, answers by staff and by signed link, analysis and selection by what the caller sees.</summary>
public abstract class SurveyApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task BankTemplatesAndStaffAnswers_WhenInvalid_ProblemsNameTheQuestion()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/surveys")).StatusCode);

        var kit = await SurveyTestKit.CreateAsync(kasia);
        var type = (await kasia.GetFromJsonAsync<JsonElement>("/api/survey-types"))[0].GetProperty("id").GetGuid();
        Assert.Equal(["name"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-types", new { name = "satysfakcja" })));
        Assert.Equal(["choices", "text"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-questions",
            new { typeId = type, text = "", kind = "single-choice", choices = new[] { "tak" } })));
        Assert.Equal(["max"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "Skala", kind = "scale", min = 5, max = 1 })));
        Assert.Equal(["kind"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "?", kind = "essay" })));
        Assert.Equal(["dictionary"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-questions",
            new { typeId = type, text = "Branża?", kind = "single-choice", dictionary = "no_such_dictionary" })));
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync("/api/survey-questions", new { typeId = type, text = "Branża?", kind = "single-choice", dictionary = "industry" })).StatusCode);
        Assert.Equal(["name", "questions"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/survey-templates", new { typeId = type, name = " ", questions = Array.Empty<object>() })));

        // The campaign a survey belongs to is an id from the client: one the caller does not see (here: none such) is refused.
        Assert.Equal(["campaignId"], await SurveyTestKit.ErrorKeysAsync(await kasia.PostAsJsonAsync("/api/surveys",
            new { templateId = kit.Template, title = "Ankieta", campaignId = Guid.NewGuid() })));

        var (company, person) = await SurveyTestKit.CompanyWithPersonAsync(kasia, "Piekarnia Złoty Kłos", "sales", "Halina", "Kłos");
        var survey = await anna.GetFromJsonAsync<JsonElement>($"/api/surveys/{kit.Survey}");
        Assert.Equal(6, survey.GetProperty("template").GetProperty("questions").GetArrayLength());

        // Entry checks: a choice not listed, a scale point out of range, not a number, a date in another format: each named by its question.
        var bad = await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new
        {
            personId = person,
            answers = new object[]
            {
                new { questionId = kit.Service, value = "bardzo dobrze" }, new { questionId = kit.Recommend, value = "7" },
                new { questionId = kit.Staff, value = "dużo" }, new { questionId = kit.PurchaseDate, value = "31.12.2026" },
            },
        });
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(((Guid[])[kit.Service, kit.Recommend, kit.Staff, kit.PurchaseDate]).Select(g => g.ToString()).Order(StringComparer.Ordinal),
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("Jak oceniasz obsługę?", problem.GetProperty("errors").GetProperty(kit.Service.ToString())[0].GetString(), StringComparison.Ordinal);
        var missing = await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new { personId = person, answers = new[] { new { questionId = kit.Products, values = new[] { "A" } } } });
        Assert.Equal(((Guid[])[kit.Service, kit.Recommend]).Select(g => g.ToString()).Order(StringComparer.Ordinal), await SurveyTestKit.ErrorKeysAsync(missing));

        var answers = new object[]
        {
            new { questionId = kit.Service, value = "dobrze" }, new { questionId = kit.Products, values = new[] { "A", "B" } }, new { questionId = kit.Recommend, value = "5" },
            new { questionId = kit.Staff, value = "12,5" }, new { questionId = kit.PurchaseDate, value = "2026-03-31" }, new { questionId = kit.Remarks, value = "Szybka dostawa" },
        };
        var first = await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new { personId = person, answers });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replaced").GetBoolean());
        var again = await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new { counterpartyId = company, personId = person, answers });
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replaced").GetBoolean());

        // jan (office) does not see the bakery: he can neither answer for its person nor see the response.
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new { personId = person, answers })).StatusCode);
        Assert.Equal(0, (await jan.GetFromJsonAsync<JsonElement>($"/api/surveys/{kit.Survey}/responses")).GetArrayLength());
        var responses = await anna.GetFromJsonAsync<JsonElement>($"/api/surveys/{kit.Survey}/responses");
        Assert.Equal("Piekarnia Złoty Kłos", Assert.Single(responses.EnumerateArray()).GetProperty("counterpartyName").GetString());

        // A closed survey takes no more answers.
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsync($"/api/surveys/{kit.Survey}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new { personId = person, answers })).StatusCode);
    }

    [Fact]
    public async Task LinkAnswersAnalysisAndSelection_RespectWhatTheCallerSees()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        using var jan = await App.CreateClientAsAsync("jan");
        using var anonymous = App.CreateClient();
        var kit = await SurveyTestKit.CreateAsync(kasia);
        var (bakery, halina) = await SurveyTestKit.CompanyWithPersonAsync(kasia, "Piekarnia Złoty Kłos", "sales", "Halina", "Kłos");
        var (mill, marek) = await SurveyTestKit.CompanyWithPersonAsync(kasia, "Młyn Pod Wierzbą", "sales", "Marek", "Wierzba");
        var (office, olga) = await SurveyTestKit.CompanyWithPersonAsync(kasia, "Biuro Rachunkowe Saldo", "office", "Olga", "Saldo");

        Assert.Equal(HttpStatusCode.OK, (await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new
        {
            personId = halina,
            answers = new object[] { new { questionId = kit.Service, value = "dobrze" }, new { questionId = kit.Products, values = new[] { "A", "B" } }, new { questionId = kit.Recommend, value = "5" } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await jan.PostAsJsonAsync($"/api/surveys/{kit.Survey}/responses", new
        {
            personId = olga, answers = new object[] { new { questionId = kit.Service, value = "dobrze" }, new { questionId = kit.Recommend, value = "4" } },
        })).StatusCode);

        // A link for a person the caller sees; jan does not see Marek's mill.
        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/surveys/{kit.Survey}/links", new { personId = marek })).StatusCode);
        var link = await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/links", new { personId = marek });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var url = new Uri((await link.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        var token = url.AbsolutePath["/s/".Length..];
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];

        // Without signing in: the form page and the API; a changed token is a readable page (400) and a 404 from the API.
        var page = await anonymous.GetAsync(url.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Satysfakcja klientów – wiosna", html, StringComparison.Ordinal);
        Assert.Contains("Czy polecisz nas znajomym?", html, StringComparison.Ordinal);
        var refused = await anonymous.GetAsync($"/s/{tampered}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("survey-link-invalid", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/survey-links/{tampered}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync($"/api/survey-links/{tampered}", new { answers = Array.Empty<object>() })).StatusCode);
        var form = await anonymous.GetFromJsonAsync<JsonElement>($"/api/survey-links/{token}");
        Assert.Equal("Marek", form.GetProperty("firstName").GetString());
        Assert.Equal([kit.Recommend.ToString()], await SurveyTestKit.ErrorKeysAsync(await anonymous.PostAsJsonAsync($"/api/survey-links/{token}",
            new { answers = new[] { new { questionId = kit.Service, value = "dobrze" } } })));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync($"/api/survey-links/{token}", new
        {
            answers = new object[] { new { questionId = kit.Service, value = "źle" }, new { questionId = kit.Products, values = new[] { "C" } }, new { questionId = kit.Recommend, value = "2" } },
        })).StatusCode);

        // Analysis over what each sees: anna the two sales companies, kasia all three.
        var annas = await anna.GetFromJsonAsync<JsonElement>($"/api/surveys/{kit.Survey}/analysis");
        Assert.Equal(2, annas.GetProperty("responses").GetInt32());
        Assert.Equal(3, annas.GetProperty("allResponses").GetInt32());
        var service = annas.GetProperty("questions")[0];
        Assert.Equal([("dobrze", 1, 50.0), ("średnio", 0, 0.0), ("źle", 1, 50.0)],
            service.GetProperty("counts").EnumerateArray().Select(c => (c.GetProperty("value").GetString()!, c.GetProperty("count").GetInt32(), c.GetProperty("percent").GetDouble())));
        Assert.Equal(3.5, annas.GetProperty("questions")[2].GetProperty("average").GetDouble());
        var all = await kasia.GetFromJsonAsync<JsonElement>($"/api/surveys/{kit.Survey}/analysis");
        Assert.Equal(2, all.GetProperty("questions")[0].GetProperty("counts")[0].GetProperty("count").GetInt32());
        var export = await anna.GetAsync($"/api/surveys/{kit.Survey}/analysis/export");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);

        // Selection by answers (AND), only among what the caller sees.
        Assert.Equal([bakery], await SelectAsync(anna, kit.Survey, new { questionId = kit.Service, @operator = "eq", values = new[] { "dobrze" } }));
        Assert.Equal(new[] { bakery, mill }.Order(), (await SelectAsync(anna, kit.Survey, new { questionId = kit.Products, @operator = "any", values = new[] { "A", "C" } })).Order());
        Assert.Equal([mill], await SelectAsync(anna, kit.Survey, new { questionId = kit.Recommend, @operator = "lte", values = new[] { "3" } }));
        Assert.Empty(await SelectAsync(anna, kit.Survey, new { questionId = kit.Service, @operator = "eq", values = new[] { "dobrze" } },
            new { questionId = kit.Recommend, @operator = "lte", values = new[] { "3" } }));
        Assert.Equal(new[] { bakery, office }.Order(), (await SelectAsync(kasia, kit.Survey, new { questionId = kit.Recommend, @operator = "gte", values = new[] { "4" } })).Order());
        Assert.Equal(["criteria[0]"], await SurveyTestKit.ErrorKeysAsync(await anna.PostAsJsonAsync($"/api/surveys/{kit.Survey}/selection",
            new { criteria = new[] { new { questionId = kit.Recommend, @operator = "like", values = new[] { "4" } } } })));

        // The service campaigns will call: members with the person who answered.
        await using var scope = App.Services.CreateAsyncScope();
        var annaUser = new CurrentUser(Guid.NewGuid(), "anna", new HashSet<string> { "staff" }, new HashSet<string> { "sales", "complaints" });
        var members = await scope.ServiceProvider.GetRequiredService<SurveySelection>().SelectAsync(kit.Survey,
            [new AnswerCriterion(kit.Recommend, "gte", ["1"])], annaUser, CancellationToken.None);
        Assert.Equal(new[] { (bakery, halina), (mill, marek) }.Order(), members.Select(m => (m.CounterpartyId!.Value, m.PersonId!.Value)).Order());
    }

    private static async Task<List<Guid>> SelectAsync(HttpClient client, Guid survey, params object[] criteria)
    {
        var response = await client.PostAsJsonAsync($"/api/surveys/{survey}/selection", new { criteria });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(m => m.GetProperty("counterpartyId").GetGuid())];
    }
}

public sealed class SurveyApiOnSqliteTests() : SurveyApiTests(DatabaseProvider.Sqlite);

public sealed class SurveyApiOnPostgreSqlTests() : SurveyApiTests(DatabaseProvider.PostgreSql);
