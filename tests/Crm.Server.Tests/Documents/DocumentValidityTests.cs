#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Modules.Documents.Validity;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Mail;
using Crm.Tests;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Crm.Server.Tests.Documents;

/// <summary>
/// Validity dates of documents: setting them (rights, dates, a counterparty the caller may see), the expiring list as
/// each user may read it, a company's documents, and the expiry reminder through the real SMTP + IMAP stack.
/// </summary>
public abstract class DocumentValidityTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?>
{
    ["Crm:Notifications:SmtpHost"] = TestEnvironment.SmtpHost,
    ["Crm:Notifications:SmtpPort"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
    ["Crm:Notifications:Security"] = "None",
    ["Crm:Notifications:BaseUrl"] = "http://crm.test/",
})
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task SetValidity_ChecksDatesRightsAndCounterparty_AndIsInTheRegister()
    {
        using var anna = await App.CreateClientAsAsync("anna");     // sales: writes in Firma, sees the sales region
        using var jan = await App.CreateClientAsAsync("jan");       // office: writes in Firma, sees the office region
        using var ewa = await App.CreateClientAsAsync("ewa");       // compliance: reads and downloads only
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin
        var sales = await CounterpartyAsync(kasia, $"Ubezpieczenia Sale {_suffix}", "sales", "marek");
        var office = await CounterpartyAsync(kasia, $"Biuro Rachunkowe {_suffix}", "office", "jan");
        var document = await UploadAsync(anna, $"Umowa serwisowa {_suffix}", "contract");

        var url = $"/api/documents/{document}/validity";
        var backwards = await anna.PutAsJsonAsync(url, new { validFrom = Today, validTo = Today.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("validTo", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PutAsJsonAsync(url, new { validTo = Today.AddDays(20), counterpartyId = office })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PutAsJsonAsync(url, new { validTo = Today.AddDays(20), counterpartyId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ewa.PutAsJsonAsync(url, new { validTo = Today.AddDays(20) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PutAsJsonAsync($"/api/documents/{Guid.NewGuid()}/validity", new { validTo = Today.AddDays(20) })).StatusCode);

        var set = await anna.PutAsJsonAsync(url, new { validFrom = Today, validTo = Today.AddDays(20), counterpartyId = sales });
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var validity = await set.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Date(Today.AddDays(20)), validity.GetProperty("validTo").GetString());
        Assert.Equal(20, validity.GetProperty("daysLeft").GetInt32());
        Assert.Equal($"Ubezpieczenia Sale {_suffix}", validity.GetProperty("counterpartyName").GetString());
        Assert.Equal(Date(Today.AddDays(20 - 30)), validity.GetProperty("remindOn").GetString());   // contracts: 30 days before
        Assert.Equal(JsonValueKind.Null, validity.GetProperty("remindedFor").ValueKind);

        // jan reads the document but may not see the sales region's company: no name for him.
        var asJan = await jan.GetFromJsonAsync<JsonElement>($"/api/documents/{document}/validity");
        Assert.Equal(sales, asJan.GetProperty("counterpartyId").GetGuid());
        Assert.Equal(JsonValueKind.Null, asJan.GetProperty("counterpartyName").ValueKind);
        // jan may write, and keeping the company he cannot see is allowed; naming it anew would not be.
        Assert.Equal(HttpStatusCode.OK, (await jan.PutAsJsonAsync(url, new { validFrom = Today, validTo = Today.AddDays(21), counterpartyId = sales })).StatusCode);

        var register = (await ewa.GetFromJsonAsync<JsonElement>($"/api/documents/{document}/access-log?kind=MetadataChanged")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["jan", "anna"], register.Select(r => r.GetProperty("userName").GetString()));
        Assert.Contains(Date(Today.AddDays(20)), register[0].GetProperty("details").GetString(), StringComparison.Ordinal);   // what it was before
        var audit = (await kasia.GetFromJsonAsync<JsonElement>($"/api/audit?subjectId={document}&limit=100")).GetRawText();
        Assert.Contains("document.metadatachanged", audit, StringComparison.Ordinal);

        // Merged into another company, the document follows it.
        var survivor = await CounterpartyAsync(kasia, $"Ubezpieczenia Razem {_suffix}", "sales", "marek");
        var merged = await kasia.PostAsJsonAsync($"/api/counterparties/{survivor}/merge", new
        {
            duplicateId = sales, revision = await RevisionAsync(kasia, survivor), duplicateRevision = await RevisionAsync(kasia, sales),
        });
        Assert.True(merged.StatusCode == HttpStatusCode.OK, await merged.Content.ReadAsStringAsync());
        Assert.Equal(1, (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetProperty("documents").GetInt32());
        Assert.Equal(survivor, (await ValidityAsync(anna, document)).GetProperty("counterpartyId").GetGuid());
    }

    private static async Task<int> RevisionAsync(HttpClient client, Guid counterparty) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/counterparties/{counterparty}")).GetProperty("revision").GetInt32();

    [Fact]
    public async Task ExpiringList_ShowsOnlyReadableDocuments_InTheWindow_SortedByDate()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        using var marek = await App.CreateClientAsAsync("marek");
        using var jan = await App.CreateClientAsAsync("jan");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var company = await CounterpartyAsync(kasia, $"Certyfikaty {_suffix}", "sales", "anna");
        var soon = await UploadAsync(anna, $"Certyfikat ISO {_suffix}", "certificate");
        var later = await UploadAsync(anna, $"Polisa OC {_suffix}", "insurance");
        var gone = await UploadAsync(anna, $"Pełnomocnictwo stare {_suffix}", "power-of-attorney");
        await SetAsync(anna, soon, Today.AddDays(10), company);
        await SetAsync(anna, later, Today.AddDays(45), company);
        var expired = await SetAsync(anna, gone, Today.AddDays(-3), company);
        Assert.Equal(Date(Today.AddDays(-3)), expired.GetProperty("remindedFor").GetString());   // already past when entered: no reminder
        // The confidential demo letter (narrowed to marek and piotr) gets a date from the admin.
        var letter = await DocumentIdAsync(marek, "Korespondencja", "Pismo poufne - zarząd");
        await SetAsync(kasia, letter, Today.AddDays(5), null);

        var annaList = await ExpiringAsync(anna, "days=30");
        Assert.Equal([soon], Mine(annaList, soon, later, gone, letter));
        var row = annaList.Single(r => r.GetProperty("id").GetGuid() == soon);
        Assert.Equal(10, row.GetProperty("daysLeft").GetInt32());
        Assert.Equal("certificate", row.GetProperty("type").GetString());
        Assert.Equal("anna", row.GetProperty("owner").GetString());
        Assert.Equal($"Certyfikaty {_suffix}", row.GetProperty("counterpartyName").GetString());
        Assert.Equal([soon, later], Mine(await ExpiringAsync(anna, "days=60"), soon, later, gone, letter));
        Assert.Equal([gone, soon, later], Mine(await ExpiringAsync(anna, "days=90&expired=true"), soon, later, gone, letter));
        Assert.Equal([letter, soon], Mine(await ExpiringAsync(marek, "days=30"), soon, later, gone, letter));
        var dates = (await ExpiringAsync(kasia, "days=366&expired=true")).Select(r => r.GetProperty("validTo").GetString()).ToList();
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/documents/expiring?days=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/documents/expiring?days=367")).StatusCode);

        // The company page: its documents, with a date first; a company jan may not see is 404 for him.
        var ofCompany = await anna.GetFromJsonAsync<JsonElement>($"/api/documents/by-counterparty/{company}");
        Assert.Equal([gone, soon, later], ofCompany.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/documents/by-counterparty/{company}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/documents/by-counterparty/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Reminder_MailsBothOwnersOnce_AndARenewedDateAgain()
    {
        TestEnvironment.RequireMail();
        using var anna = await App.CreateClientAsAsync("anna");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var annaMail = $"anna-{_suffix}@test.local";
        var marekMail = $"marek-{_suffix}@test.local";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            await db.Users.Where(u => u.UserName == "anna").ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, annaMail));
            await db.Users.Where(u => u.UserName == "marek").ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, marekMail));
        }

        var insured = await CounterpartyAsync(kasia, $"Ubezpieczony {_suffix}", "sales", "marek");
        var annas = await CounterpartyAsync(kasia, $"Mocodawca {_suffix}", "sales", "anna");
        var policy = await UploadAsync(anna, $"Polisa {_suffix}", "insurance");              // 30 days before
        var power = await UploadAsync(anna, $"Pełnomocnictwo {_suffix}", "power-of-attorney"); // 14 days before
        // Dates far enough ahead that the server's own hourly pass (today's date) leaves them alone.
        var end = Today.AddDays(200);
        var powerEnd = Today.AddDays(300);
        await SetAsync(anna, policy, end, insured);
        await SetAsync(anna, power, powerEnd, annas);

        // Without SMTP nothing is claimed, so the reminder still goes once mail is set up.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var offline = ActivatorUtilities.CreateInstance<ExpiryReminders>(scope.ServiceProvider, new MailSender(Options.Create(new NotificationOptions())));
            Assert.Equal(0, await offline.RunOnceAsync(end.AddDays(-30), CancellationToken.None));
        }

        Assert.Equal(JsonValueKind.Null, (await ValidityAsync(anna, policy)).GetProperty("remindedFor").ValueKind);
        await RemindAsync(end.AddDays(-31));
        Assert.Equal(JsonValueKind.Null, (await ValidityAsync(anna, policy)).GetProperty("remindedFor").ValueKind);
        Assert.True(await RemindAsync(end.AddDays(-30)) >= 1);
        Assert.Equal(Date(end), (await ValidityAsync(anna, policy)).GetProperty("remindedFor").GetString());
        Assert.Equal(0, await RemindAsync(end.AddDays(-30)));   // nothing twice
        Assert.Equal(0, await RemindAsync(end.AddDays(-5)));

        var toAnna = await MailsAsync(annaMail, $"Polisa {_suffix}", 1);
        var toMarek = await MailsAsync(marekMail, $"Polisa {_suffix}", 1);
        Assert.Equal($"Document expires on {Date(end)}: Polisa {_suffix}", Assert.Single(toAnna).Subject);
        Assert.Contains($"http://crm.test/documents/{policy}", toAnna[0].TextBody, StringComparison.Ordinal);
        Assert.Contains($"Ubezpieczony {_suffix}", toMarek.Single().TextBody, StringComparison.Ordinal);

        // The power of attorney: 14 days before; anna owns both it and its company, so one mail.
        Assert.Equal(0, await RemindAsync(powerEnd.AddDays(-15)));
        Assert.Equal(1, await RemindAsync(powerEnd.AddDays(-14)));
        Assert.Single(await MailsAsync(annaMail, $"Pełnomocnictwo {_suffix}", 1));

        // Renewed: the new date is reminded again when it is due, not before.
        var renewed = end.AddDays(365);
        var set = await SetAsync(anna, policy, renewed, insured);
        Assert.Equal(JsonValueKind.Null, set.GetProperty("remindedFor").ValueKind);
        Assert.Equal(0, await RemindAsync(end.AddDays(-5)));
        Assert.Equal(1, await RemindAsync(renewed.AddDays(-30)));
        Assert.Equal(0, await RemindAsync(renewed.AddDays(-30)));
        Assert.Equal(2, (await MailsAsync(annaMail, $"Polisa {_suffix}", 2)).Count);
        Assert.Equal(2, (await MailsAsync(marekMail, $"Polisa {_suffix}", 2)).Count);
        var register = (await kasia.GetFromJsonAsync<JsonElement>($"/api/documents/{policy}/access-log?kind=ExpiryReminder")).GetProperty("items");
        Assert.Equal(2, register.GetArrayLength());
        Assert.Single(await MailsAsync(annaMail, $"Pełnomocnictwo {_suffix}", 1));
    }

    private async Task<int> RemindAsync(DateOnly today)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExpiryReminders>().RunOnceAsync(today, CancellationToken.None);
    }

    /// <summary>The mails in a mailbox whose subject names <paramref name="title"/>, once <paramref name="count"/> of them arrived (or a few seconds passed).</summary>
    private static async Task<List<MimeKit.MimeMessage>> MailsAsync(string mailbox, string title, int count)
    {
        for (var i = 0; ; i++)
        {
            var mails = (await MailTestKit.ReadAsync(mailbox)).Where(m => (m.Subject ?? "").EndsWith(": " + title, StringComparison.Ordinal)).ToList();
            if (mails.Count >= count || i == 150)
            {
                await Task.Delay(300);   // a mail too many would arrive now
                return [.. (await MailTestKit.ReadAsync(mailbox)).Where(m => (m.Subject ?? "").EndsWith(": " + title, StringComparison.Ordinal))];
            }

            await Task.Delay(200);
        }
    }

    private static List<Guid> Mine(List<JsonElement> rows, params Guid[] ids) =>
        [.. rows.Select(r => r.GetProperty("id").GetGuid()).Where(ids.Contains)];

    private static async Task<List<JsonElement>> ExpiringAsync(HttpClient client, string query) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/documents/expiring?{query}")).EnumerateArray()];

    private static Task<JsonElement> ValidityAsync(HttpClient client, Guid document) =>
        client.GetFromJsonAsync<JsonElement>($"/api/documents/{document}/validity");

    private static async Task<JsonElement> SetAsync(HttpClient client, Guid document, DateOnly validTo, Guid? counterparty)
    {
        var response = await client.PutAsJsonAsync($"/api/documents/{document}/validity", new { validFrom = validTo.AddYears(-1), validTo, counterpartyId = counterparty });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<Guid> CounterpartyAsync(HttpClient admin, string name, string region, string owner)
    {
        var response = await admin.PostAsJsonAsync("/api/counterparties", new { name, region, owner });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> UploadAsync(HttpClient client, string title, string type)
    {
        var tree = await client.GetFromJsonAsync<JsonElement>("/api/folders");
        var folder = tree.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        using var content = new MultipartFormDataContent
        {
            { new StringContent(folder), "folderId" },
            { new StringContent(title), "title" },
            { new StringContent(type), "type" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"{title}: treść")), "file", "plik.txt" },
        };
        var response = await client.PostAsync("/api/documents", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> DocumentIdAsync(HttpClient client, string folder, string title)
    {
        var tree = await client.GetFromJsonAsync<JsonElement>("/api/folders");
        var folderId = tree.EnumerateArray().Single(f => f.GetProperty("name").GetString() == folder).GetProperty("id").GetString();
        var children = await client.GetFromJsonAsync<JsonElement>($"/api/folders/{folderId}/children");
        return children.GetProperty("documents").EnumerateArray().Single(d => d.GetProperty("title").GetString() == title).GetProperty("id").GetGuid();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class DocumentValidityOnSqliteTests() : DocumentValidityTests(DatabaseProvider.Sqlite);

public sealed class DocumentValidityOnPostgreSqlTests() : DocumentValidityTests(DatabaseProvider.PostgreSql);
