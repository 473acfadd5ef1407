#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Crm.Server.Tests.Marketing.Surveys;

/// <summary>A satisfaction survey with one question of each kind, built over HTTP, and the companies and persons it is asked of.</summary>
internal sealed class SurveyTestKit
{
    public Guid Survey { get; private set; }
    public Guid Template { get; private set; }
    public Guid Campaign { get; private set; }
    public Guid Service { get; private set; }
    public Guid Products { get; private set; }
    public Guid Recommend { get; private set; }
    public Guid Staff { get; private set; }
    public Guid PurchaseDate { get; private set; }
    public Guid Remarks { get; private set; }

    public static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<IReadOnlyList<string>> ErrorKeysAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        return [.. errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>A company in the region of a group (sales: anna sees it; office: jan does) with one person; (company, person).</summary>
    public static async Task<(Guid Company, Guid Person)> CompanyWithPersonAsync(HttpClient admin, string name, string region, string first, string last)
    {
        var company = await IdAsync(await admin.PostAsJsonAsync("/api/counterparties", new { name, region }));
        var person = await IdAsync(await admin.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = first, lastName = last }));
        return (company, person);
    }

    public static async Task<SurveyTestKit> CreateAsync(HttpClient author)
    {
        var kit = new SurveyTestKit();
        var type = await IdAsync(await author.PostAsJsonAsync("/api/survey-types", new { name = "satysfakcja" }));
        kit.Service = await QuestionAsync(author, new { typeId = type, text = "Jak oceniasz obsługę?", kind = "single-choice", choices = new[] { "dobrze", "średnio", "źle" } });
        kit.Products = await QuestionAsync(author, new { typeId = type, text = "Które produkty kupujesz?", kind = "multiple-choice", choices = new[] { "A", "B", "C" } });
        kit.Recommend = await QuestionAsync(author, new { typeId = type, text = "Czy polecisz nas znajomym?", kind = "scale", min = 1, max = 5 });
        kit.Staff = await QuestionAsync(author, new { typeId = type, text = "Ile osób zatrudniacie?", kind = "number", min = 1 });
        kit.PurchaseDate = await QuestionAsync(author, new { typeId = type, text = "Kiedy planujecie zakup?", kind = "date" });
        kit.Remarks = await QuestionAsync(author, new { typeId = type, text = "Uwagi", kind = "open-text" });
        var template = await IdAsync(await author.PostAsJsonAsync("/api/survey-templates", new
        {
            typeId = type, name = "Badanie satysfakcji 2026",
            questions = new object[]
            {
                new { questionId = kit.Service, required = true }, new { questionId = kit.Products, required = false }, new { questionId = kit.Recommend, required = true },
                new { questionId = kit.Staff, required = false }, new { questionId = kit.PurchaseDate, required = false }, new { questionId = kit.Remarks, required = false },
            },
        }));
        kit.Template = template;
        kit.Campaign = await IdAsync(await author.PostAsJsonAsync("/api/campaigns", new { name = $"Badanie wiosna {Guid.NewGuid():N}", type = "telemarketing" }));
        kit.Survey = await IdAsync(await author.PostAsJsonAsync("/api/surveys", new { templateId = template, title = "Satysfakcja klientów – wiosna", campaignId = kit.Campaign }));
        return kit;
    }

    private static async Task<Guid> QuestionAsync(HttpClient author, object question) => await IdAsync(await author.PostAsJsonAsync("/api/survey-questions", question));
}
