using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Modules.Documents;
using Crm.Modules.Documents.Previews;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Crm.Tests;
using Crm.Tests.Server;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Documents;

/// <summary>
/// The blob collector on the folder store and on a real S3 server: an unreferenced object past the grace period
/// goes, a fresh one (an upload in flight) and every referenced one stay, and a re-upload of old orphaned bytes
/// refreshes them so the collector leaves them to the row about to point at them.
/// </summary>
public sealed class BlobCollectorTests
{
    [Theory]
    [InlineData("FileSystem")]
    [InlineData("S3")]
    public async Task Collector_RemovesOnlyOldUnreferencedBlobs(string provider)
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string?>();
        if (provider == "S3")
        {
            foreach (var (name, value) in TestEnvironment.S3Settings("crm-collector-" + Guid.NewGuid().ToString("N")[..8], TestEnvironment.RequireS3()))
            {
                settings[name] = value;
            }
        }

        await using var app = new CrmAppFactory(database, settings);
        using var admin = await app.CreateClientAsAsync("admin", CrmAppFactory.AdminPassword);
        var folder = (await (await admin.PostAsJsonAsync("/api/folders", new { name = "Sprzątanie" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var kept = await UploadAsync(admin, folder, "kept.txt", "Referenced by a version");
        var objects = app.Services.GetRequiredService<IObjectStore>();
        var orphan = (await objects.PutAsync(new MemoryStream("An upload that failed after storing"u8.ToArray()))).Hash;
        var reused = (await objects.PutAsync(new MemoryStream("Orphaned, then uploaded again"u8.ToArray()))).Hash;
        var keptHash = await HashOfAsync(app, kept);

        await Task.Delay(TimeSpan.FromSeconds(2.5));   // older than the grace used below ...
        var fresh = (await objects.PutAsync(new MemoryStream("An upload still in flight"u8.ToArray()))).Hash;
        // ... except the same old bytes uploaded again now: the store refreshes them for the row to come.
        Assert.Equal(reused, (await objects.PutAsync(new MemoryStream("Orphaned, then uploaded again"u8.ToArray()))).Hash);

        // PDF previews are kept by content: the one of bytes no version has goes, the one of a live version stays.
        var orphanPreview = DocumentRenditions.PdfPrefix + orphan.ToString().ToLowerInvariant();
        var keptPreview = DocumentRenditions.PdfPrefix + keptHash.ToString().ToLowerInvariant();
        await objects.PutRecordAsync(orphanPreview, "%PDF-1.7 orphan"u8.ToArray());
        await objects.PutRecordAsync(keptPreview, "%PDF-1.7 kept"u8.ToArray());

        await using var scope = app.Services.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<BlobCollector>().CollectAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Null(await objects.GetRecordAsync(orphanPreview));
        Assert.NotNull(await objects.GetRecordAsync(keptPreview));
        Assert.Contains("1 previews of removed files deleted", run.Summary, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => objects.DeleteDerivedRecordAsync("audit/checkpoint-0001"));   // audit records stay write-once

        Assert.Equal(1, run.Count);   // moved to the trash
        Assert.Null(await objects.GetSizeAsync(orphan));
        Assert.NotNull(await objects.GetSizeAsync(fresh));
        Assert.NotNull(await objects.GetSizeAsync(reused));
        Assert.NotNull(await objects.GetSizeAsync(keptHash));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/documents/{kept}/content")).StatusCode);
        Assert.Contains("1 unreferenced", run.Summary, StringComparison.Ordinal);

        // The race the trash is for: an object trashed while a row came to point at it is restored by a read.
        Assert.True(await objects.TrashAsync(keptHash));
        var restored = await admin.GetAsync($"/api/documents/{kept}/content");
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("Referenced by a version", await restored.Content.ReadAsStringAsync());
        Assert.NotNull(await objects.GetSizeAsync(keptHash));

        // A grace period later the trash is emptied of what is still unreferenced.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var second = await scope.ServiceProvider.GetRequiredService<BlobCollector>().CollectAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Contains("1 deleted from the trash", second.Summary, StringComparison.Ordinal);
        Assert.True(second.Bytes > 0);
        Assert.False(await objects.RestoreAsync(orphan));

        // The maintenance view reports it; only administrators see it.
        var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/content");
        Assert.True(view.GetProperty("workerReady").GetBoolean() || view.GetProperty("workersStarted").GetInt32() == 0);
        using var anna = await app.CreateClientAsAsync("anna");
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/admin/content")).StatusCode);
    }

    private static async Task<string> UploadAsync(HttpClient client, string folder, string name, string text)
    {
        var content = new MultipartFormDataContent { { new StringContent(folder), "folderId" }, { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text)), "file", name } };
        var response = await client.PostAsync("/api/documents", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<ContentHash> HashOfAsync(CrmAppFactory app, string documentId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var id = Guid.Parse(documentId);
        return ContentHash.Parse(db.DocumentVersions.Single(v => v.DocumentId == id).Sha256);
    }
}
