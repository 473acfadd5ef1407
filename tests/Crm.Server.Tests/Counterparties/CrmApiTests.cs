using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Counterparties;

/// <summary>The CRM routes over HTTP: 400 problem details naming each invalid field, 201 with the id, address on a date, knowledge and audit routes.</summary>
public sealed class CrmApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(DatabaseProvider.Sqlite);
    private CrmAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new CrmAppFactory(_database);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CustomFields_FiltersExportAndEdits_OverHttp_WithPermissionsAndRevisions()
    {
        using var kasia = await _app.CreateClientAsAsync("kasia");
        using var anna = await _app.CreateClientAsAsync("anna");
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync("/api/custom-fields", new { key = "x", label = "X", type = "text" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync("/api/custom-fields", new { key = "headcount", label = "Headcount", type = "number", min = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync("/api/dictionaries/industry", new { value = "energetyka" })).StatusCode);

        var bad = await kasia.PostAsJsonAsync("/api/counterparties", new { name = "API Firma", industry = "rolnictwo", region = "sales", customFields = new { headcount = 0 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("industry", out _));
        Assert.True(errors.TryGetProperty("customFields.headcount", out _));
        var created = await kasia.PostAsJsonAsync("/api/counterparties", new { name = "API Firma", industry = "energetyka", region = "sales", customFields = new { headcount = 120 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var list = await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?filter=cf.headcount:gte:100&columns=name,cf.headcount");
        var row = list.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(120, row.GetProperty("values").GetProperty("cf.headcount").GetDouble());
        var filterProblem = await anna.GetAsync("/api/counterparties?filter=creditLimit:gt:0");
        Assert.Equal(HttpStatusCode.BadRequest, filterProblem.StatusCode);
        Assert.Contains("creditLimit", await filterProblem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var export = await anna.GetAsync("/api/counterparties/export?filter=cf.headcount:gte:100&columns=name,cf.headcount");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/counterparties/export?columns=name,creditLimit")).StatusCode);

        var view = await kasia.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        var revision = view.GetProperty("revision").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PutAsJsonAsync($"/api/counterparties/{id}", new { revision, paymentDays = 30, customFields = new { headcount = 150 } })).StatusCode);
        var stale = await kasia.PutAsJsonAsync($"/api/counterparties/{id}", new { revision, paymentDays = 60 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var after = await kasia.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        Assert.Equal((30, 150d), (after.GetProperty("paymentDays").GetInt32(), after.GetProperty("customFields").GetProperty("headcount").GetDouble()));

        var persons = await kasia.PostAsync("/api/persons/import?commit=true", new StringContent("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lis;Ola\r\nORG:API Firma\r\nEND:VCARD\r\n"));
        Assert.Equal(1, (await persons.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await kasia.GetAsync("/api/reports/time-cost?format=xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kasia.GetAsync("/api/cases/funnel/export")).StatusCode);
    }

    [Fact]
    public async Task Cases_ListPageEditAndMove_OverHttp_WithProblemDetails()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var marek = await _app.CreateClientAsAsync("marek");
        var created = await anna.PostAsJsonAsync("/api/cases", new { title = "Szkolenie API", value = 2000, phase = "offer" });   // internal, no process
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var list = await anna.GetFromJsonAsync<JsonElement>("/api/cases?group=inprogress&search=szkolenie%20api");
        Assert.Equal(id, list.GetProperty("cases").GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid());
        Assert.True(list.GetProperty("groups").GetProperty("inprogress").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await marek.GetAsync($"/api/cases/{id}")).StatusCode);   // internal: only its owner
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/cases?sort=colour")).StatusCode);

        var view = await anna.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        var revision = view.GetProperty("revision").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/cases/{id}", new { revision, value = 2500 })).StatusCode);
        var stale = await anna.PutAsJsonAsync($"/api/cases/{id}", new { revision, value = 9 });
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (stale.StatusCode, stale.Content.Headers.ContentType?.MediaType));

        var noReason = await anna.PostAsJsonAsync($"/api/cases/{id}/move", new { phase = "lost" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("lostReason", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsJsonAsync($"/api/cases/{id}/move", new { phase = "won" })).StatusCode);
        var timeline = await anna.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/timeline");
        Assert.Contains(timeline.EnumerateArray(), t => t.GetProperty("title").GetString() == "Won");

        var persons = await anna.GetFromJsonAsync<JsonElement>("/api/persons?pageSize=5&sort=company");
        Assert.True(persons.GetProperty("items").GetArrayLength() > 0);
        var personId = persons.GetProperty("items")[0].GetProperty("id").GetGuid();
        var person = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{personId}");
        Assert.True(person.GetProperty("personalHidden").GetBoolean());
        var personal = await anna.PutAsJsonAsync($"/api/persons/{personId}", new
        {
            revision = person.GetProperty("revision").GetInt32(), firstName = person.GetProperty("firstName").GetString(), lastName = person.GetProperty("lastName").GetString(),
            hobbies = "szachy",
        });
        Assert.Equal(HttpStatusCode.BadRequest, personal.StatusCode);
        Assert.True((await personal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("personal", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/persons?sort=shoeSize")).StatusCode);
        var personsXlsx = await anna.GetAsync("/api/persons/export?filter=company:set:&sort=company");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", personsXlsx.Content.Headers.ContentType?.MediaType);
        var casesXlsx = await anna.GetAsync("/api/cases/export?group=closed&filter=title:contains:szkolenie%20api");
        Assert.Equal(HttpStatusCode.OK, casesXlsx.StatusCode);
        using var workbook = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(await casesXlsx.Content.ReadAsStreamAsync(), false);
        var cells = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().ToList();
        Assert.Equal(2, cells.Count);   // the header and the one won case
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/cases/export?filter=colour:eq:red")).StatusCode);
    }

    [Fact]
    public async Task Counterparty_BadNip_Is400NamingTheField_GoodOneIs201_AndAddressOnDateWorks()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        var bad = await piotr.PostAsJsonAsync("/api/counterparties", new { name = "Firma X", nip = "5260250275", vatEu = "PL5260250275" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("nip", out var nipErrors));
        Assert.Contains("check digit", nipErrors[0].GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("vatEu", out _));

        var created = await piotr.PostAsJsonAsync("/api/counterparties", new
        {
            name = "Firma X sp. z o.o.", nip = "5260250274", regon = "012100784",
            addresses = new object[]
            {
                new { kind = "registered", street = "ul. Stara 1", postalCode = "00-001", city = "Warszawa", validFrom = "2020-01-01", validTo = "2023-12-31" },
                new { kind = "registered", street = "ul. Nowa 2", postalCode = "30-002", city = "Kraków", validFrom = "2024-01-01" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var addresses = await piotr.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}/addresses?on=2023-06-30");
        Assert.Equal("Warszawa", addresses[0].GetProperty("city").GetString());
        var duplicate = await piotr.PostAsJsonAsync("/api/counterparties", new { name = "Inna", nip = "5260250274" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var jan = await _app.CreateClientAsAsync("jan");   // staff outside the record's scope
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/counterparties/{id}")).StatusCode);
        var funnel = await piotr.GetFromJsonAsync<JsonElement>("/api/cases/funnel");
        Assert.Equal(3, funnel.GetProperty("phases").GetArrayLength());
    }

    [Fact]
    public async Task ActivityDocumentsAndNotes_OverHttp_OnlyForThoseWhoMaySeeThem()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var jan = await _app.CreateClientAsAsync("jan");
        var company = (await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?pageSize=1")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var folders = await anna.GetFromJsonAsync<JsonElement>("/api/folders");
        var umowy = folders.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        var upload = new MultipartFormDataContent { { new StringContent(umowy), "folderId" }, { new ByteArrayContent("Oferta: 12 przeglądów"u8.ToArray()), "file", "oferta-api.txt" } };
        var document = (await (await anna.PostAsync("/api/documents", upload)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var unknownDocument = await anna.PostAsJsonAsync("/api/activities", new { counterpartyId = company, type = "email", subject = "Oferta", documentIds = new[] { Guid.NewGuid() } });
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (unknownDocument.StatusCode, unknownDocument.Content.Headers.ContentType?.MediaType));
        var created = await anna.PostAsJsonAsync("/api/activities", new { counterpartyId = company, type = "email", subject = "Oferta wysłana", documentIds = new[] { document } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var activity = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PostAsJsonAsync($"/api/activities/{activity}/documents", new { documentId = document })).StatusCode);
        var documents = await anna.GetFromJsonAsync<JsonElement>($"/api/activities/{activity}/documents");
        Assert.Equal([("oferta-api", true)], documents.EnumerateArray().Select(d => (d.GetProperty("title").GetString(), d.GetProperty("removable").GetBoolean())));
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/activities/{activity}/documents")).StatusCode);
        using var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/activities/{activity}/documents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/notes?activityId={activity}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.DeleteAsync($"/api/activities/{activity}/documents/{document}")).StatusCode);

        var note = await anna.PostAsJsonAsync("/api/notes", new { text = "Klient prosi o rabat.", activityId = activity });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        var notes = await anna.GetFromJsonAsync<JsonElement>($"/api/notes?activityId={activity}");
        Assert.Equal(["Klient prosi o rabat."], notes.EnumerateArray().Select(n => n.GetProperty("text").GetString()));
        var noteId = (await note.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await jan.DeleteAsync($"/api/notes/{noteId}")).StatusCode);
        Assert.Equal(company, notes[0].GetProperty("counterpartyId").GetGuid());
        var other = (await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?pageSize=2")).GetProperty("items")[1].GetProperty("id").GetGuid();
        var contradiction = await anna.PostAsJsonAsync("/api/notes", new { text = "x", counterpartyId = other, activityId = activity });
        Assert.Equal(HttpStatusCode.BadRequest, contradiction.StatusCode);
        Assert.True((await contradiction.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("activityId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/notes")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/notes?activityId={activity}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.DeleteAsync($"/api/notes/{noteId}")).StatusCode);
        Assert.Equal(0, (await anna.GetFromJsonAsync<JsonElement>($"/api/notes?activityId={activity}")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await anna.DeleteAsync($"/api/activities/{activity}/documents/{document}")).StatusCode);
        Assert.Equal(0, (await anna.GetFromJsonAsync<JsonElement>($"/api/activities/{activity}/documents")).GetArrayLength());
    }

    [Fact]
    public async Task DemoCompanies_AreValid_AndStaffSeeOnlyTheirRegion()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        var all = await piotr.GetFromJsonAsync<JsonElement>("/api/counterparties?pageSize=100");
        Assert.Equal(300, all.GetProperty("total").GetInt32());
        foreach (var item in all.GetProperty("items").EnumerateArray().Take(30))
        {
            var detail = await piotr.GetFromJsonAsync<JsonElement>($"/api/counterparties/{item.GetProperty("id").GetGuid()}");
            Assert.Null(TaxIdentifiers.CheckNip(detail.GetProperty("nip").GetString()));
            Assert.Null(TaxIdentifiers.CheckRegon(detail.GetProperty("regon").GetString()));
            Assert.Null(TaxIdentifiers.CheckVatEu(detail.GetProperty("vatEu").GetString()));
            Assert.Null(TaxIdentifiers.CheckIban(detail.GetProperty("bankAccounts")[0].GetString()));
        }

        using var jan = await _app.CreateClientAsAsync("jan");   // office group: the office region only
        var office = await jan.GetFromJsonAsync<JsonElement>("/api/counterparties?pageSize=100");
        Assert.InRange(office.GetProperty("total").GetInt32(), 1, 299);
    }

    [Fact]
    public async Task ConfirmRead_WithoutAssignment_Is409_AndAuditVerifyIsForComplianceOnly()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var ewa = await _app.CreateClientAsAsync("ewa");
        var articles = await ewa.GetFromJsonAsync<JsonElement>("/api/articles");
        var demoArticle = articles.EnumerateArray().First(a => a.GetProperty("published").GetBoolean()).GetProperty("id").GetGuid();
        using var jan = await _app.CreateClientAsAsync("jan");   // not in the demo audience (sales)
        Assert.Equal(HttpStatusCode.Conflict, (await jan.PostAsync($"/api/articles/{demoArticle}/confirm-read", null)).StatusCode);

        var verify = await ewa.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Console.WriteLine("VERIFY " + verify);
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("checked").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/audit/verify")).StatusCode);
    }
}
