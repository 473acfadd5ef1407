using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Modules.Documents.Previews;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Tests;
using Crm.Tests.Server;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Server.Tests.Documents;

/// <summary>/api/documents/{id}/preview over HTTP: charsets, sanitised HTML under a CSP, PDF inline, Office renditions, rights and the register.</summary>
public sealed class DocumentPreviewTests : IAsyncLifetime
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
    public async Task Preview_Utf8AndWindows1250Text_ServedAsUtf8WithCharset()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        var utf8 = await UploadAsync(anna, "uwagi.txt", Encoding.UTF8.GetBytes("Uzgodnienia pomiędzy stronami: żółć, gęś."));
        CodePages();
        var legacy = await UploadAsync(anna, "stare.txt", Encoding.GetEncoding(1250).GetBytes("Umowa pomiędzy Zakładem Gospodarki Komunalnej a gminą Łódź: źródło, żółw, gęś."));

        foreach (var (id, expected) in new[] { (utf8, "pomiędzy stronami: żółć"), (legacy, "pomiędzy Zakładem Gospodarki Komunalnej a gminą Łódź") })
        {
            var response = await anna.GetAsync($"/api/documents/{id}/preview", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
            Assert.Contains(expected, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
            Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        }
    }

    [Fact]
    public async Task Preview_HtmlLetter_ScriptsRemovedAndCspForbidsThem()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        const string letter = """
            <html><head><meta charset="windows-1250"><title>Pismo</title><script>document.title='hacked'</script></head>
            <body onload="alert(1)"><p style="color:#333">Szanowni Państwo, <b>dziękujemy</b> za współpracę.</p>
            <a href="javascript:alert(2)">kliknij</a><img src="https://tracker.example/pixel.gif"><iframe src="https://example.org"></iframe>
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="logo"></body></html>
            """;
        CodePages();
        var id = await UploadAsync(anna, "pismo.html", Encoding.GetEncoding(1250).GetBytes(letter));

        var response = await anna.GetAsync($"/api/documents/{id}/preview", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("Szanowni Państwo", html, StringComparison.Ordinal);
        Assert.Contains("<b>dziękujemy</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hacked", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onload", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png", html, StringComparison.Ordinal);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("sandbox", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Preview_Pdf_InlineForTheBrowsersViewer_AndRegistered()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var ewa = await _app.CreateClientAsAsync("ewa");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
        var id = await UploadAsync(anna, "skan.pdf", pdf);

        var response = await anna.GetAsync($"/api/documents/{id}/preview?version=1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("skan.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(pdf, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain("sandbox", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        var register = await ewa.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/access-log?kind=Previewed", TestContext.Current.CancellationToken);
        var row = Assert.Single(register.GetProperty("items").EnumerateArray());
        Assert.Equal("anna", row.GetProperty("userName").GetString());
        Assert.Equal(1, row.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Preview_WithoutAccess_Is404ProblemAndLeavesNoRegisterRow()
    {
        using var marek = await _app.CreateClientAsAsync("marek");
        using var anna = await _app.CreateClientAsAsync("anna");
        using var ewa = await _app.CreateClientAsAsync("ewa");
        var folder = await FolderIdAsync(marek, "Korespondencja");
        var children = await marek.GetFromJsonAsync<JsonElement>($"/api/folders/{folder}/children", TestContext.Current.CancellationToken);
        var letter = children.GetProperty("documents").EnumerateArray().Single(d => d.GetProperty("title").GetString() == "Pismo poufne - zarząd").GetProperty("id").GetString();

        var refused = await anna.GetAsync($"/api/documents/{letter}/preview", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        var register = await ewa.GetFromJsonAsync<JsonElement>($"/api/access-log?userName=anna&kind=Previewed", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(register.GetProperty("items").EnumerateArray(), r => r.GetProperty("documentId").GetString() == letter);

        var allowed = await marek.GetAsync($"/api/documents/{letter}/preview", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        register = await ewa.GetFromJsonAsync<JsonElement>($"/api/access-log?userName=marek&kind=Previewed", TestContext.Current.CancellationToken);
        Assert.Contains(register.GetProperty("items").EnumerateArray(), r => r.GetProperty("documentId").GetString() == letter);
    }

    [Fact]
    public async Task Preview_WordFile_RenderedToPdfOnceThenFromTheObjectStore()
    {
        TestEnvironment.RequireLibreOffice(DocumentPreview.OfficeAvailable);
        using var anna = await _app.CreateClientAsAsync("anna");
        var id = await UploadAsync(anna, "protokół.docx", Word("Protokół odbioru: przegląd instalacji zakończony."));

        var first = await anna.GetAsync($"/api/documents/{id}/preview", TestContext.Current.CancellationToken);
        var pdf = await first.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/pdf", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", first.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4));
        var versions = await anna.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/versions", TestContext.Current.CancellationToken);
        var sha = versions[0].GetProperty("sha256").GetString()!.ToLowerInvariant();
        var cached = await _app.Services.GetRequiredService<IObjectStore>().GetRecordAsync($"renditions/pdf/{sha}", TestContext.Current.CancellationToken);
        Assert.Equal(pdf, cached);

        var again = await anna.GetAsync($"/api/documents/{id}/preview", TestContext.Current.CancellationToken);
        Assert.Equal(pdf, await again.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Preview_OfUnknownKind_Is400ProblemWithAReadableReason()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        var id = await UploadAsync(anna, "dane.bin", [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, 0x13, 0x37]);

        var response = await anna.GetAsync($"/api/documents/{id}/preview", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no preview", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static void CodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static async Task<string> UploadAsync(HttpClient client, string fileName, byte[] bytes)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(await FolderIdAsync(client, "Umowy")), "folderId");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", fileName);
        var response = await client.PostAsync("/api/documents", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString()!;
    }

    private static async Task<string> FolderIdAsync(HttpClient client, string name)
    {
        var tree = await client.GetFromJsonAsync<JsonElement>("/api/folders", TestContext.Current.CancellationToken);
        return tree.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    private static byte[] Word(string text)
    {
        using var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new W.Document(new W.Body(new W.Paragraph(new W.Run(new W.Text(text)))));
        }

        return memory.ToArray();
    }
}
