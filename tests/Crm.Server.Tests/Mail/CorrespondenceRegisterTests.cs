using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Mail;

/// <summary>
/// The correspondence register: numbers per direction and year without gaps or twins under concurrent registration,
/// an answer linked to the letter it answers, overdue answers, visibility by department, the Excel export.
/// </summary>
public abstract class CorrespondenceRegisterTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?>
{
    ["Crm:Mail:Worker"] = "false", ["Crm:Notifications:SmtpHost"] = Crm.Tests.TestEnvironment.SmtpHost, ["Crm:Notifications:SmtpPort"] = Crm.Tests.TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Crm:Notifications:Security"] = "None",
})
{
    [Fact]
    public async Task AnAnswerDueTomorrow_RemindsWhoRegisteredIt_Once()
    {
        Crm.Tests.TestEnvironment.RequireMail();
        using var jan = await App.CreateClientAsAsync("jan");
        var subject = $"Wezwanie {Guid.NewGuid():N}"[..20];
        var created = await jan.PostAsJsonAsync("/api/correspondence", new { direction = "in", channel = "post", subject, department = "office", answerDeadline = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<Crm.Modules.Mail.Register.CorrespondenceReminders>().RunAsync(CancellationToken.None) >= 1);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<Crm.Modules.Mail.Register.CorrespondenceReminders>().RunAsync(CancellationToken.None));   // once
        }

        for (var attempt = 0; ; attempt++)
        {
            var inbox = await MailTestKit.ReadAsync("jan@demo.local");
            if (inbox.Any(m => m.Subject?.Contains(number, StringComparison.Ordinal) == true && m.Subject.Contains(subject, StringComparison.Ordinal)))
            {
                break;
            }

            Assert.True(attempt < 150, "The reminder did not arrive.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task TwentyAtOnce_GetConsecutiveNumbers_AnAnswerLinksBack_AndOnlyTheDepartmentSeesThem()
    {
        using var jan = await App.CreateClientAsAsync("jan");       // office
        using var anna = await App.CreateClientAsAsync("anna");     // sales
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin
        var year = DateTime.UtcNow.Year;
        var company = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Nadawca Listów", region = "office" }));

        var bad = await jan.PostAsJsonAsync("/api/correspondence", new { direction = "sideways", channel = "pigeon", subject = "" , department = "sales" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(problems.TryGetProperty("direction", out _) && problems.TryGetProperty("channel", out _) && problems.TryGetProperty("subject", out _) && problems.TryGetProperty("department", out _));

        var numbers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var response = await jan.PostAsJsonAsync("/api/correspondence", new { direction = "in", channel = "post", subject = $"Pismo {i}", department = "office", counterpartyId = company });
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        }));
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"KP/{year}/{n:000000}"), numbers.Order(StringComparer.Ordinal));

        // An incoming letter with a deadline already past, then our answer to it.
        var letter = await (await jan.PostAsJsonAsync("/api/correspondence", new
        {
            direction = "in", channel = "epuap", subject = "Wezwanie do uzupełnienia", department = "office", counterpartyId = company,
            date = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10)), answerDeadline = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)),
        })).Content.ReadFromJsonAsync<JsonElement>();
        var overdue = (await jan.GetFromJsonAsync<JsonElement>("/api/correspondence?awaitingAnswer=true")).EnumerateArray().Single();
        Assert.True(overdue.GetProperty("overdue").GetBoolean());
        var answer = await jan.PostAsJsonAsync("/api/correspondence", new { direction = "out", channel = "post", subject = "Odpowiedź na wezwanie", department = "office", counterpartyId = company, replyToId = letter.GetProperty("id").GetGuid() });
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal($"KW/{year}/000001", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        Assert.Empty((await jan.GetFromJsonAsync<JsonElement>("/api/correspondence?awaitingAnswer=true")).EnumerateArray());
        var linked = (await jan.GetFromJsonAsync<JsonElement>("/api/correspondence?direction=in&text=wezwanie")).EnumerateArray().Single();
        Assert.Equal($"KW/{year}/000001", linked.GetProperty("answeredByNumber").GetString());

        // Sales sees none of the office's letters and cannot register for the office.
        Assert.Empty((await anna.GetFromJsonAsync<JsonElement>("/api/correspondence")).EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsJsonAsync("/api/correspondence", new { direction = "in", channel = "post", subject = "x", department = "office" })).StatusCode);
        Assert.Equal(22, (await kasia.GetFromJsonAsync<JsonElement>("/api/correspondence")).EnumerateArray().Count());

        // The export: the chosen columns, one row per entry.
        var export = await jan.GetByteArrayAsync($"/api/correspondence/export?direction=in&columns=number,subject");
        using var excel = SpreadsheetDocument.Open(new MemoryStream(export), false);
        var rows = excel.WorkbookPart!.WorksheetParts.Single().Worksheet!.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().ToList();
        Assert.Equal(22, rows.Count);   // header + 21 incoming
        Assert.Equal(2, rows[0].Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().Count());
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class CorrespondenceRegisterOnSqliteTests() : CorrespondenceRegisterTests(DatabaseProvider.Sqlite);

public sealed class CorrespondenceRegisterOnPostgreSqlTests() : CorrespondenceRegisterTests(DatabaseProvider.PostgreSql);
