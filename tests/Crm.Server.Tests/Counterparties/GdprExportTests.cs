#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Counterparties;

/// <summary>GDPR export of a person over HTTP: everything held about them in a ZIP, for compliance only, audited.</summary>
public abstract class GdprExportTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task AComplianceOfficer_ExportsEverythingAboutAPerson_StaffCannot_AndTheExportIsAudited()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        using var ewa = await App.CreateClientAsAsync("ewa");
        var company = await IdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Apteka Pod Lipą", region = "sales" }));
        var person = await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Zofia", lastName = "Wróbel", email = "zofia@apteka.example", marketingConsent = true, consentSource = "form" }));
        await IdAsync(await anna.PostAsJsonAsync("/api/activities", new { counterpartyId = company, personId = person, type = "call", subject = "Asked about delivery times", status = "done" }));
        await IdAsync(await anna.PostAsJsonAsync("/api/notes", new { text = "Prefers <b>e-mail</b>", personId = person }));
        var complaint = await anna.PostAsJsonAsync("/api/complaints", new
        {
            subject = "Broken seal", counterpartyId = company, personId = person, kind = "consumer", againstType = "product", productName = "Syrup", channel = "phone",
            demand = "replacement", defectDescription = "The seal was broken",
        });
        Assert.Equal(HttpStatusCode.Created, complaint.StatusCode);
        var number = (await complaint.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString();

        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync($"/api/persons/{person}/gdpr-export")).StatusCode);
        var export = await ewa.GetAsync($"/api/persons/{person}/gdpr-export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("gdpr-zofia-wrobel-", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);

        using var zip = new ZipArchive(await export.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        using var json = JsonDocument.Parse(await new StreamReader(zip.GetEntry("person.json")!.Open()).ReadToEndAsync());
        var root = json.RootElement;
        Assert.Equal("zofia@apteka.example", root.GetProperty("person")[0].GetProperty("email").GetString());
        Assert.Equal("Apteka Pod Lipą", root.GetProperty("person")[0].GetProperty("company").GetString());
        Assert.True(root.GetProperty("consents")[0].GetProperty("marketingConsent").GetBoolean());
        Assert.Equal("Asked about delivery times", root.GetProperty("activities")[0].GetProperty("subject").GetString());
        Assert.Equal("Prefers <b>e-mail</b>", root.GetProperty("notes")[0].GetProperty("text").GetString());
        Assert.Equal(number, root.GetProperty("complaints")[0].GetProperty("number").GetString());

        var html = await new StreamReader(zip.GetEntry("summary.html")!.Open()).ReadToEndAsync();
        Assert.Contains("Zofia Wróbel", html, StringComparison.Ordinal);
        Assert.Contains("Prefers &lt;b&gt;e-mail&lt;/b&gt;", html, StringComparison.Ordinal);   // never markup from the data
        Assert.DoesNotContain("<b>e-mail", html, StringComparison.Ordinal);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var audited = await db.AuditLog.SingleAsync(a => a.Action == "gdpr.exported" && a.SubjectId == person.ToString());
        Assert.Equal("ewa", audited.Actor);

        // The next export lists the first one among the rows about her.
        using var again = new ZipArchive(await (await ewa.GetAsync($"/api/persons/{person}/gdpr-export")).Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        using var second = JsonDocument.Parse(await new StreamReader(again.GetEntry("person.json")!.Open()).ReadToEndAsync());
        Assert.Contains(second.RootElement.GetProperty("access and changes (audit trail)").EnumerateArray(),
            a => a.GetProperty("action").GetString() == "gdpr.exported" && a.GetProperty("actor").GetString() == "ewa");
    }

    [Fact]
    public async Task TheExport_NamesOnlyDocumentsTheOfficerMayRead_AndCountsTheOthers()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        using var ewa = await App.CreateClientAsAsync("ewa");
        var company = await IdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Drukarnia Pod Wagą", region = "sales" }));
        var person = await IdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Olga", lastName = "Papier" }));
        var folders = await anna.GetFromJsonAsync<JsonElement>("/api/folders");
        var umowy = folders.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        var upload = new MultipartFormDataContent { { new StringContent(umowy), "folderId" }, { new ByteArrayContent("Umowa poufna"u8.ToArray()), "file", "umowa-poufna-olga.txt" } };
        var document = await IdAsync(await anna.PostAsync("/api/documents", upload));
        await IdAsync(await anna.PostAsJsonAsync("/api/activities", new { counterpartyId = company, personId = person, type = "email", subject = "Contract", status = "done", documentIds = new[] { document } }));

        async Task<JsonElement> DocumentsSectionAsync(HttpClient client)
        {
            using var zip = new ZipArchive(await (await client.GetAsync($"/api/persons/{person}/gdpr-export")).Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
            using var json = JsonDocument.Parse(await new StreamReader(zip.GetEntry("person.json")!.Open()).ReadToEndAsync());
            return json.RootElement.GetProperty("documents").Clone();
        }

        // Compliance reads the contracts folder: named in her export.
        Assert.Contains("umowa-poufna-olga", (await DocumentsSectionAsync(ewa)).GetRawText(), StringComparison.Ordinal);

        // The document narrowed to the sales group: the admin still sees it named; for the compliance officer it is only counted.
        Assert.Equal(HttpStatusCode.OK, (await kasia.PutAsJsonAsync($"/api/documents/{document}/permissions",
            new[] { new { principalType = "group", principalId = "sales", rights = new[] { "read", "download", "write" } } })).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ewa.GetAsync($"/api/documents/{document}")).StatusCode);
        Assert.Contains("umowa-poufna-olga", (await DocumentsSectionAsync(kasia)).GetRawText(), StringComparison.Ordinal);
        var hers = (await DocumentsSectionAsync(ewa)).GetRawText();
        Assert.DoesNotContain("umowa-poufna-olga", hers, StringComparison.Ordinal);
        Assert.Contains("\"withheld\": 1", hers, StringComparison.Ordinal);
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class GdprExportOnSqliteTests() : GdprExportTests(DatabaseProvider.Sqlite);

public sealed class GdprExportOnPostgreSqlTests() : GdprExportTests(DatabaseProvider.PostgreSql);
