#pragma warning disable CA1861 // literal arrays are the readable way to write test data
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using Xunit;

namespace Crm.Server.Tests.Access;

/// <summary>Permissions as data: an admin's rule changes, at once, what the same user's list, count, search, export, GET and writes do.</summary>
public abstract class PermissionRulesApiTests(DatabaseProvider provider) : ServerTestBase(provider)
{
    [Fact]
    public async Task ARecordRule_ChangesListCountSearchExportAndGet_ForTheSameUser_AtOnce()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");   // admin
        using var anna = await App.CreateClientAsAsync("anna");     // staff in the groups "sales" and "complaints"
        var alfa = await CreateAsync(kasia, new { name = "Alfa Mleczarnia", region = "sales", categories = new[] { "customer" } });
        var beta = await CreateAsync(kasia, new { name = "Beta Mleczarnia", region = "sales", categories = new[] { "supplier" } });
        await CreateAsync(kasia, new { name = "Gamma Mleczarnia", region = "north", categories = new[] { "customer" } });

        // The shipped rules: anna sees her groups' region, so both of "sales".
        Assert.Equal(["Alfa Mleczarnia", "Beta Mleczarnia"], await NamesAsync(anna, "/api/counterparties?search=mleczarnia"));
        Assert.Equal(2, (await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?search=mleczarnia")).GetProperty("total").GetInt32());
        Assert.Equal(["Alfa Mleczarnia", "Beta Mleczarnia"], await ExportedNamesAsync(anna, "/api/counterparties/export?search=mleczarnia"));
        Assert.Equal(HttpStatusCode.OK, (await anna.GetAsync($"/api/counterparties/{beta}")).StatusCode);

        // The admin narrows it: the region rule goes; the sales group sees only customers.
        var rules = await kasia.GetFromJsonAsync<JsonElement>("/api/admin/access");
        var regions = rules.GetProperty("recordRules").EnumerateArray().Single(r => r.GetProperty("scope").GetString() == "ownGroupRegions");
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.DeleteAsync($"/api/admin/access/record-rules/{regions.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.DeleteAsync($"/api/admin/access/record-rules/{regions.GetProperty("id").GetGuid()}")).StatusCode);
        var bad = await kasia.PostAsJsonAsync("/api/admin/access/record-rules", new { subject = "group:sales", scope = "matching", conditions = new[] { "colour:eq:red" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("colour", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await kasia.PostAsJsonAsync("/api/admin/access/record-rules",
            new { subject = "group:sales", scope = "matching", conditions = new[] { "categories:eq:customer", "region:eq:sales" } })).StatusCode);

        Assert.Equal(["Alfa Mleczarnia"], await NamesAsync(anna, "/api/counterparties?search=mleczarnia"));
        Assert.Equal(1, (await anna.GetFromJsonAsync<JsonElement>("/api/counterparties?search=mleczarnia")).GetProperty("total").GetInt32());
        Assert.Equal(["Alfa Mleczarnia"], await ExportedNamesAsync(anna, "/api/counterparties/export?search=mleczarnia"));
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/counterparties/{beta}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anna.GetAsync($"/api/counterparties/{alfa}")).StatusCode);
        // What is seen with a company goes with it: a person of Beta is out of reach too.
        var person = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { counterpartyId = beta, firstName = "Ola", lastName = "Beta" }));
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/persons/{person}")).StatusCode);

        // Without the export right the export is refused; the list still works.
        Assert.Equal(HttpStatusCode.NoContent, (await kasia.PutAsJsonAsync("/api/admin/access/rights",
            new { subject = "everyone", objectType = "counterparty", rights = new[] { "read", "create", "edit" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/counterparties/export?search=mleczarnia")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kasia.GetAsync("/api/counterparties/export?search=mleczarnia")).StatusCode);   // admins keep theirs

        // See as user: the admin sees what anna sees, by the same rules; anna may not look through others' eyes.
        var preview = await kasia.GetFromJsonAsync<JsonElement>("/api/admin/access/preview/anna");
        Assert.Equal(1, preview.GetProperty("counterparties").GetInt32() - await CountOthersAsync(anna));
        Assert.DoesNotContain("export", preview.GetProperty("rights").GetProperty("counterparty").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/admin/access/preview/kasia")).StatusCode);

        // Every change is in the audit trail, and the chain still verifies.
        var audit = (await kasia.GetFromJsonAsync<JsonElement>("/api/audit?actor=kasia&limit=50")).GetRawText();
        Assert.Contains("access.record-rule-deleted", audit, StringComparison.Ordinal);
        Assert.Contains("access.record-rule-added", audit, StringComparison.Ordinal);
        Assert.Contains("access.rights-modified", audit, StringComparison.Ordinal);
        Assert.True((await kasia.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task FieldRules_HideAndFreezeFields_AndClearingByNullIsRefusedToo()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/custom-fields", new { entity = "counterparty", key = "tier", label = "Tier", type = "text" }));
        var id = await CreateAsync(kasia, new { name = "Delta Okna", region = "sales", nip = "5260250274", regon = "012100784", customFields = new { tier = "B2B" } });

        // Anna may change every ordinary field at first.
        var view = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        Assert.Equal("012100784", view.GetProperty("regon").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/counterparties/{id}", new { revision = Rev(view), shortName = "Delta" })).StatusCode);

        // The admin: REGON hidden from everyone but admins; NIP and the tier read-only for the sales group.
        await SetFieldAsync(kasia, "everyone", "regon", "hidden");
        await SetFieldAsync(kasia, "role:admin", "regon", "write");
        await SetFieldAsync(kasia, "group:sales", "nip", "read");
        await SetFieldAsync(kasia, "group:sales", "cf.tier", "read");
        var badField = await kasia.PutAsJsonAsync("/api/admin/access/field-rules", new { subject = "group:sales", objectType = "counterparty", field = "shoeSize", level = "read" });
        Assert.Equal(HttpStatusCode.BadRequest, badField.StatusCode);

        view = await anna.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        Assert.Equal(JsonValueKind.Null, view.GetProperty("regon").ValueKind);
        Assert.Equal("5260250274", view.GetProperty("nip").GetString());
        Assert.Equal("012100784", (await kasia.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}")).GetProperty("regon").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/counterparties?columns=name,regon")).StatusCode);   // not a column she can see
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.GetAsync("/api/counterparties?filter=regon:eq:012100784")).StatusCode);   // nor filter on

        var nip = await anna.PutAsJsonAsync($"/api/counterparties/{id}", new { revision = Rev(view), nip = "7740001454" });
        Assert.Equal(HttpStatusCode.BadRequest, nip.StatusCode);
        Assert.True((await nip.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("nip", out _));
        var cleared = await anna.PutAsJsonAsync($"/api/counterparties/{id}", new { revision = Rev(view), customFields = new Dictionary<string, object?> { ["tier"] = null } });
        Assert.Equal(HttpStatusCode.BadRequest, cleared.StatusCode);
        Assert.True((await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("customFields.tier", out _));
        // Sending the value it has is no change: the form's other fields still save.
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/counterparties/{id}", new { revision = Rev(view), nip = "5260250274", shortName = "Delta Okna i Drzwi" })).StatusCode);
        var after = await kasia.GetFromJsonAsync<JsonElement>($"/api/counterparties/{id}");
        Assert.Equal("B2B", after.GetProperty("customFields").GetProperty("tier").GetString());
        Assert.Equal("5260250274", after.GetProperty("nip").GetString());
        Assert.Equal("Delta Okna i Drzwi", after.GetProperty("shortName").GetString());
    }

    private static async Task SetFieldAsync(HttpClient admin, string subject, string field, string level) =>
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/admin/access/field-rules", new { subject, objectType = "counterparty", field, level })).StatusCode);

    private static int Rev(JsonElement view) => view.GetProperty("revision").GetInt32();

    /// <summary>Demo companies anna sees besides the test's own (the preview counts all she sees).</summary>
    private static async Task<int> CountOthersAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/counterparties?pageSize=1")).GetProperty("total").GetInt32() - 1;

    private static async Task<List<string?>> NamesAsync(HttpClient client, string url) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).Order()];

    private static async Task<List<string>> ExportedNamesAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), false);
        var strings = workbook.WorkbookPart!.SharedStringTablePart?.SharedStringTable.Elements<DocumentFormat.OpenXml.Spreadsheet.SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var cells = workbook.WorkbookPart.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>()
            .Select(c => c.DataType?.Value == DocumentFormat.OpenXml.Spreadsheet.CellValues.SharedString ? strings[int.Parse(c.InnerText, System.Globalization.CultureInfo.InvariantCulture)] : c.InnerText);
        return [.. cells.Where(c => c.Contains("Mleczarnia", StringComparison.Ordinal)).Order()];
    }

    private static async Task<Guid> CreateAsync(HttpClient client, object body) => await CreatedIdAsync(await client.PostAsJsonAsync("/api/counterparties", body));

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class PermissionRulesApiOnSqliteTests() : PermissionRulesApiTests(DatabaseProvider.Sqlite);

public sealed class PermissionRulesApiOnPostgreSqlTests() : PermissionRulesApiTests(DatabaseProvider.PostgreSql);
