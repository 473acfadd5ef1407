using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Engine.Counterparties;
using Crm.Engine.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Customers;

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
