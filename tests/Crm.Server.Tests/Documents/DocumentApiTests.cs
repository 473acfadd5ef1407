using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Documents;

/// <summary>The document routes over HTTP against the demo binders, with bytes in the real S3 server when the run has one.</summary>
public sealed class DocumentApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(DatabaseProvider.Sqlite);
    private CrmAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        var settings = TestEnvironment.S3SettingsIfAny("crm-api-tests");
        settings["Crm:Documents:MaxUploadBytes"] = (2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);

        _app = new CrmAppFactory(_database, settings);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Upload_Download_Register_Search_AndUnreadableIs404()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var ewa = await _app.CreateClientAsAsync("ewa");
        anna.DefaultRequestHeaders.UserAgent.ParseAdd("register-test/2.0");
        var umowy = await FolderIdAsync(anna, "Umowy");

        var upload = await anna.PostAsync("/api/documents", Multipart(umowy, "../../oferta.txt", "Oferta dla klienta Zielony Ogród: 12 przeglądów rocznie."));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var created = await upload.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();
        Assert.Equal(1, created.GetProperty("version").GetInt32());

        var versions = await anna.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/versions");
        Assert.Equal("oferta.txt", versions[0].GetProperty("fileName").GetString());
        Assert.Equal("text/plain", versions[0].GetProperty("contentType").GetString());

        var download = await anna.GetAsync($"/api/documents/{id}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains("Zielony Ogród", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("oferta.txt", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);

        var register = await ewa.GetFromJsonAsync<JsonElement>("/api/access-log?userName=anna&kind=Downloaded");
        var row = register.GetProperty("items")[0];
        Assert.Equal(id, row.GetProperty("documentId").GetString());
        Assert.Equal("register-test/2.0", row.GetProperty("client").GetString());
        var xlsx = await ewa.GetAsync($"/api/documents/{id}/access-log?format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/access-log?userName=anna")).StatusCode);

        // The confidential demo letter is narrowed to marek and piotr.
        var confidential = await DocumentIdAsync(ewa, "Korespondencja", "Pismo poufne - zarząd", expectFound: false);
        Assert.Null(confidential);
        using var marek = await _app.CreateClientAsAsync("marek");
        var letter = await DocumentIdAsync(marek, "Korespondencja", "Pismo poufne - zarząd", expectFound: true);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/documents/{letter}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/documents/{letter}/content")).StatusCode);

        var hits = await WaitForSearchAsync(anna, "zielony ogrod", 1);
        Assert.Equal(id, hits.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Contains("<mark>", hits.GetProperty("items")[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await WaitForSearchAsync(anna, "obniżki", 0)).GetProperty("total").GetInt32());
        Assert.Equal(1, (await WaitForSearchAsync(marek, "obnizki", 1)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CheckOutCheckIn_OverHttp_AndUploadsAreLimitedAndValidated()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var jan = await _app.CreateClientAsAsync("jan");
        var procedury = await FolderIdAsync(anna, "Procedury");
        var id = (await (await anna.PostAsync("/api/documents", Multipart(procedury, "plan.md", "# Plan v1"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await anna.PostAsync($"/api/documents/{id}/checkout", null)).StatusCode);
        var second = await jan.PostAsync($"/api/documents/{id}/checkout", null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("anna", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await jan.PostAsync($"/api/documents/{id}/versions", Multipart(null, "plan.md", "# Jan's plan"))).StatusCode);

        var checkin = await anna.PostAsync($"/api/documents/{id}/checkin", Multipart(null, "plan.md", "# Plan v2", comment: "second draft"));
        Assert.Equal(HttpStatusCode.Created, checkin.StatusCode);
        Assert.Equal(2, (await checkin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var document = await jan.GetFromJsonAsync<JsonElement>($"/api/documents/{id}");
        Assert.Equal(JsonValueKind.Null, document.GetProperty("lockedBy").ValueKind);

        var tooBig = await anna.PostAsync("/api/documents", Multipart(procedury, "big.bin", new string('x', 3 * 1024 * 1024)));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("larger than 2 MB", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var ewa = await _app.CreateClientAsAsync("ewa");
        var readOnly = await ewa.PostAsync("/api/documents", Multipart(procedury, "x.txt", "compliance may only read"));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        var fileFirst = new MultipartFormDataContent { { new ByteArrayContent("data"u8.ToArray()), "file", "x.txt" }, { new StringContent(procedury), "folderId" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await anna.PostAsync("/api/documents", fileFirst)).StatusCode);
        var noFile = await anna.PostAsync("/api/documents", new MultipartFormDataContent { { new StringContent(procedury), "folderId" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal("application/problem+json", noFile.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CheckOutRaceOverHttp_WinnerCancelsAtOnce_LoserRetriesAndChecksIn()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var marek = await _app.CreateClientAsAsync("marek");
        var procedury = await FolderIdAsync(anna, "Procedury");
        var id = (await (await anna.PostAsync("/api/documents", Multipart(procedury, "race.md", "# Race v1"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var race = await Task.WhenAll(anna.PostAsync($"/api/documents/{id}/checkout", null), marek.PostAsync($"/api/documents/{id}/checkout", null),
            anna.PostAsync($"/api/documents/{id}/checkout", null), marek.PostAsync($"/api/documents/{id}/checkout", null));
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(race.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var holder = (await anna.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("lockedBy").GetString();
        var (winner, loser) = holder == "anna" ? (anna, marek) : (marek, anna);

        // The next step after the race: the winner gives the lock back at once (this hung for a minute on SQLite).
        using (var quick = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await winner.PostAsync($"/api/documents/{id}/cancel-checkout", null, quick.Token)).StatusCode);
        }


        Assert.Equal(HttpStatusCode.OK, (await loser.PostAsync($"/api/documents/{id}/checkout", null)).StatusCode);
        var checkin = await loser.PostAsync($"/api/documents/{id}/checkin", Multipart(null, "race.md", "# Race v2"));
        Assert.Equal(HttpStatusCode.Created, checkin.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await anna.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("lockedBy").ValueKind);
    }

    [Fact]
    public async Task CheckInTask_CannotBeCompletedFromTheInbox_NorWithAForgedFileOrAddress()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        var procedury = await FolderIdAsync(anna, "Procedury");
        var mine = (await (await anna.PostAsync("/api/documents", Multipart(procedury, "mine.md", "# Mine v1"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await anna.PostAsync($"/api/documents/{mine}/checkout", null)).StatusCode);
        var tasks = await anna.GetFromJsonAsync<JsonElement>("/api/tasks?assignee=me&processKey=document-checkout");
        var taskId = tasks.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("businessKey").GetString() == mine).GetProperty("id").GetString();

        // The holder tries to turn some other stored file (any hash) into a version of their document, from a forged address.
        var forged = await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new
        {
            variables = new { action = "checkin", file = new { fileName = "x.pdf", contentType = "application/pdf", sha256 = new string('a', 64), size = 1 }, ip = "1.2.3.4", client = "forged" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var problem = await forged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { } })).StatusCode);
        Assert.Equal(1, (await anna.GetFromJsonAsync<JsonElement>($"/api/documents/{mine}/versions")).GetArrayLength());

        // The document page's way still works, and records the real address.
        Assert.Equal(HttpStatusCode.Created, (await anna.PostAsync($"/api/documents/{mine}/checkin", Multipart(null, "mine.md", "# Mine v2"))).StatusCode);
        using var ewa = await _app.CreateClientAsAsync("ewa");
        var register = await ewa.GetFromJsonAsync<JsonElement>($"/api/documents/{mine}/access-log");
        Assert.Contains("Unlocked", register.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("1.2.3.4", register.ToString(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Multipart(string? folderId, string fileName, string text, string? comment = null)
    {
        var content = new MultipartFormDataContent();
        if (folderId is not null)
        {
            content.Add(new StringContent(folderId), "folderId");
        }

        if (comment is not null)
        {
            content.Add(new StringContent(comment), "comment");
        }

        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-msdownload");   // a lie the server must ignore
        content.Add(file, "file", fileName);
        return content;
    }

    private static async Task<string> FolderIdAsync(HttpClient client, string name)
    {
        var tree = await client.GetFromJsonAsync<JsonElement>("/api/folders");
        return tree.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    private static async Task<string?> DocumentIdAsync(HttpClient client, string folder, string title, bool expectFound)
    {
        var children = await client.GetFromJsonAsync<JsonElement>($"/api/folders/{await FolderIdAsync(client, folder)}/children");
        var match = children.GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("title").GetString() == title).Select(d => d.GetProperty("id").GetString()).FirstOrDefault();
        Assert.Equal(expectFound, match is not null);
        return match;
    }

    /// <summary>The index is fed asynchronously (outbox): poll briefly for the expected count.</summary>
    private static async Task<JsonElement> WaitForSearchAsync(HttpClient client, string query, int expected)
    {
        JsonElement result = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);   // under a full run on two cores the indexer may lag
        while (DateTime.UtcNow < deadline)
        {
            result = await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}");
            if (result.GetProperty("total").GetInt32() == expected)
            {
                return result;
            }

            await Task.Delay(100);
        }

        return result;
    }
}
