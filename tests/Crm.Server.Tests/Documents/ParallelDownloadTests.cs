using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Documents;

/// <summary>
/// Many downloads and edits of one document at once: every download gets the whole file with its length and name,
/// every one has its register row, and the audit chain the rows are appended to stays unbroken.
/// </summary>
public abstract class ParallelDownloadTests(DatabaseProvider provider) : ServerTestBase(provider, TestEnvironment.S3SettingsIfAny("crm-parallel-downloads"))
{
    [Fact]
    public async Task ParallelDownloadsAndEdits_EachGetsTheWholeFileAndARegisterRow_AndTheAuditChainHolds()
    {
        using var kasia = await App.CreateClientAsAsync("kasia");
        using var anna = await App.CreateClientAsAsync("anna");
        using var ewa = await App.CreateClientAsAsync("ewa");
        var tree = await kasia.GetFromJsonAsync<JsonElement>("/api/folders");
        var folder = tree.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Umowy").GetProperty("id").GetString()!;
        var bytes = RandomNumberGenerator.GetBytes(700 * 1024 + 13);   // several response chunks, not a round size
        using var form = new MultipartFormDataContent { { new StringContent(folder), "folderId" }, { new ByteArrayContent(bytes), "file", "umowa ramowa.bin" } };
        var upload = await kasia.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        const int downloadsEach = 8;
        var downloads = new[] { kasia, anna }.SelectMany(client => Enumerable.Range(0, downloadsEach).Select(async _ =>
        {
            using var response = await client.GetAsync($"/api/documents/{id}/content?version=1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.Equal("umowa ramowa.bin", response.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        }));
        var edits = Enumerable.Range(0, 6).Select(async i =>
        {
            // Title edits race each other (409 is a fair answer); each one that lands is audited.
            using var response = await kasia.PatchAsJsonAsync($"/api/documents/{id}", new { title = $"Umowa ramowa {i}" });
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
        });
        await Task.WhenAll(downloads.Concat(edits));

        var register = await ewa.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/access-log?kind=Downloaded&pageSize=100");
        Assert.Equal(2 * downloadsEach, register.GetProperty("items").GetArrayLength());
        var verification = await ewa.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(verification.GetProperty("ok").GetBoolean(), verification.GetRawText());

        // A version that does not exist is a 404 problem, and writes no register row.
        using var missing = await anna.GetAsync($"/api/documents/{id}/content?version=7");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        register = await ewa.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/access-log?kind=Downloaded&pageSize=100");
        Assert.Equal(2 * downloadsEach, register.GetProperty("items").GetArrayLength());
    }
}

public sealed class ParallelDownloadOnSqliteTests() : ParallelDownloadTests(DatabaseProvider.Sqlite);

public sealed class ParallelDownloadOnPostgreSqlTests() : ParallelDownloadTests(DatabaseProvider.PostgreSql);
