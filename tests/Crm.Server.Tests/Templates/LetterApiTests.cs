using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using Xunit;
using S = DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Server.Tests.Templates;

/// <summary>
/// Letters from the demo's Word and Excel templates: values as the user may see them, the output a new document in a
/// folder the user may write to and a letter on the company's timeline, a complaint's cost lines as repeated rows,
/// PDF through LibreOffice, a mail merge, and the generate handler in a process.
/// </summary>
public abstract class LetterApiTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?> { ["Crm:Mail:Worker"] = "false" })
{
    [Fact]
    public async Task ALetterForACompany_AndACostStatementForAComplaint_AreNewDocumentsFilledFromTheCrm()
    {
        using var anna = await App.CreateClientAsAsync("anna");   // sales and complaints
        using var jan = await App.CreateClientAsAsync("jan");     // office
        var templates = (await anna.GetFromJsonAsync<JsonElement>("/api/templates")).EnumerateArray().ToList();
        var letter = templates.Single(t => t.GetProperty("title").GetString() == "Pismo do klienta").GetProperty("id").GetGuid();
        var statement = templates.Single(t => t.GetProperty("title").GetString() == "Zestawienie kosztów reklamacji").GetProperty("id").GetGuid();
        var company = await CreatedIdAsync(await anna.PostAsJsonAsync("/api/counterparties", new
        {
            name = "Listowa Sp. z o.o.", nip = "5260250274", region = "sales",
            addresses = new[] { new { kind = "correspondence", street = "ul. Pocztowa 1", postalCode = "00-001", city = "Warszawa", country = "PL" } },
        }));
        var person = await CreatedIdAsync(await anna.PostAsJsonAsync("/api/persons", new { counterpartyId = company, firstName = "Ewa", lastName = "Adresatka", email = "ewa@listowa.pl" }));
        var card = await anna.GetFromJsonAsync<JsonElement>($"/api/persons/{person}");
        Assert.Equal(HttpStatusCode.NoContent, (await anna.PutAsJsonAsync($"/api/persons/{person}", new { revision = card.GetProperty("revision").GetInt32(), firstName = "Ewa", lastName = "Adresatka", gender = "female", email = "ewa@listowa.pl" })).StatusCode);
        var folders = (await anna.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray().ToList();
        var correspondence = folders.Single(f => f.GetProperty("name").GetString() == "Korespondencja").GetProperty("id").GetGuid();
        var templatesFolder = folders.Single(f => f.GetProperty("name").GetString() == "Templates").GetProperty("id").GetGuid();

        var preview = await anna.GetFromJsonAsync<JsonElement>($"/api/templates/{letter}/preview?counterpartyId={company}&personId={person}");
        Assert.Equal("Listowa Sp. z o.o.", preview.GetProperty("values").GetProperty("counterparty.name").GetString());
        Assert.Equal("Szanowna Pani Adresatka", preview.GetProperty("values").GetProperty("person.salutation").GetString());
        Assert.Contains("counterparty.address", preview.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));

        // Refused: a folder she may only read, a company she cannot see.
        var readOnly = await anna.PostAsJsonAsync($"/api/templates/{letter}/generate", new { counterpartyId = company, folderId = templatesFolder });
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        var hidden = await CreatedIdAsync(await (await App.CreateClientAsAsync("kasia")).PostAsJsonAsync("/api/counterparties", new { name = "Niewidoczna", region = "office" }));
        Assert.Equal(HttpStatusCode.NotFound, (await anna.PostAsJsonAsync($"/api/templates/{letter}/generate", new { counterpartyId = hidden, folderId = correspondence })).StatusCode);

        var generated = await anna.PostAsJsonAsync($"/api/templates/{letter}/generate", new { counterpartyId = company, personId = person, folderId = correspondence });
        Assert.Equal(HttpStatusCode.Created, generated.StatusCode);
        var document = (await generated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid();
        var text = WordText(await anna.GetByteArrayAsync($"/api/documents/{document}/content"));
        Assert.Contains("Listowa Sp. z o.o.", text, StringComparison.Ordinal);
        Assert.Contains("ul. Pocztowa 1", text, StringComparison.Ordinal);
        Assert.Contains("Szanowna Pani Adresatka,", text, StringComparison.Ordinal);
        Assert.Contains("Anna Nowak", text, StringComparison.Ordinal);   // the author's name
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        Assert.Contains("Pismo do klienta", await anna.GetStringAsync($"/api/counterparties/{company}/timeline"), StringComparison.Ordinal);   // a letter on the history

        // A complaint's cost statement: one row per cost line, the total below them, in the complaint's own folder.
        var complaint = (await (await anna.PostAsJsonAsync("/api/complaints", new
        {
            subject = "Pęknięta szyba", kind = "business", counterpartyId = company, againstType = "product", productName = "Okno O-1", channel = "email", demand = "repair",
            defectDescription = "Szyba pękła przy montażu.", claimedAmount = 500,
        })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var (type, amount) in new[] { ("transport", 35.5m), ("labour", 120m) })
        {
            Assert.Equal(HttpStatusCode.Created, (await anna.PostAsJsonAsync($"/api/complaints/{complaint}/costs", new { type, amount })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await jan.PostAsJsonAsync($"/api/templates/{statement}/generate", new { complaintId = complaint })).StatusCode);   // not his complaint
        var sheet = await anna.PostAsJsonAsync($"/api/templates/{statement}/generate", new { complaintId = complaint });
        Assert.Equal(HttpStatusCode.Created, sheet.StatusCode);
        var rows = SheetRows(await anna.GetByteArrayAsync($"/api/documents/{(await sheet.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid()}/content"));
        Assert.Equal(["transport", "35.50"], rows[3][1..3]);
        Assert.Equal(["labour", "120.00"], rows[4][1..3]);
        Assert.Equal(["Razem", "155.50"], rows[5][1..3]);
        var complaintView = await anna.GetFromJsonAsync<JsonElement>($"/api/complaints/{complaint}");
        Assert.Contains("Zestawienie", (await anna.GetStringAsync($"/api/folders/{complaintView.GetProperty("folderId").GetGuid()}/children")), StringComparison.Ordinal);

        // As PDF, through LibreOffice.
        Crm.Tests.TestEnvironment.RequireLibreOffice(Crm.Modules.Templates.Filling.PdfConverter.IsAvailable);
        var pdf = await anna.PostAsJsonAsync($"/api/templates/{letter}/generate", new { counterpartyId = company, folderId = correspondence, pdf = true });
        Assert.Equal(HttpStatusCode.Created, pdf.StatusCode);
        var pdfBytes = await anna.GetByteArrayAsync($"/api/documents/{(await pdf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid()}/content");
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdfBytes, 0, 4));
    }

    [Fact]
    public async Task AMailMerge_MakesOneLetterPerCompany_AndMailsThoseWithAnAddress()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        var letter = (await kasia.GetFromJsonAsync<JsonElement>("/api/templates")).EnumerateArray().Single(t => t.GetProperty("title").GetString() == "Pismo do klienta").GetProperty("id").GetGuid();
        var correspondence = (await kasia.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Korespondencja").GetProperty("id").GetGuid();
        var withMail = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Seryjna A", region = "office" }));
        await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/persons", new { counterpartyId = withMail, firstName = "Adam", lastName = "Seryjny", email = "adam@seryjna.pl" }));
        var withoutMail = await CreatedIdAsync(await kasia.PostAsJsonAsync("/api/counterparties", new { name = "Seryjna B", region = "office" }));
        var account = await Crm.Server.Tests.Mail.MailTestKit.CreateAccountAsync(kasia, "Merge", "merge@test.local", "office");

        var merged = await kasia.PostAsJsonAsync($"/api/templates/{letter}/merge", new
        {
            counterpartyIds = new[] { withMail, withoutMail }, folderId = correspondence, mail = new { accountId = account, subject = "Informacja", body = "W załączeniu pismo." },
        });
        Assert.True(merged.IsSuccessStatusCode, await merged.Content.ReadAsStringAsync());
        var result = await merged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("letters").GetInt32());
        Assert.Equal(1, result.GetProperty("mailed").GetInt32());
        Assert.Contains("no person with an e-mail", result.GetProperty("skipped")[0].GetString(), StringComparison.Ordinal);
        var outbox = (await kasia.GetFromJsonAsync<JsonElement>("/api/mail/messages?show=outbox")).EnumerateArray().Single();
        Assert.Equal(1, outbox.GetProperty("attachments").GetInt32());
        Assert.Contains("adam@seryjna.pl", outbox.GetProperty("to").GetString(), StringComparison.Ordinal);
    }

    private static string WordText(byte[] bytes)
    {
        using var word = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        return string.Join("\n", word.MainDocumentPart!.Document!.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
    }

    /// <summary>Each row's cell texts by row number (inline and shared strings, numbers as written).</summary>
    private static Dictionary<int, string[]> SheetRows(byte[] bytes)
    {
        using var excel = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var shared = excel.WorkbookPart!.SharedStringTablePart?.SharedStringTable.Elements<S.SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var sheet = excel.WorkbookPart.WorksheetParts.Single().Worksheet!;
        return sheet.Descendants<S.Row>().ToDictionary(r => (int)r.RowIndex!.Value, r => r.Elements<S.Cell>().Select(c =>
            c.DataType?.Value == S.CellValues.SharedString ? shared[int.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)]
            : c.DataType?.Value == S.CellValues.InlineString ? c.InlineString!.InnerText
            : decimal.Parse(c.CellValue?.Text ?? "0", System.Globalization.CultureInfo.InvariantCulture).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class LetterApiOnSqliteTests() : LetterApiTests(DatabaseProvider.Sqlite);

public sealed class LetterApiOnPostgreSqlTests() : LetterApiTests(DatabaseProvider.PostgreSql);
