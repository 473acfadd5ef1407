using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Server.Tests.Infrastructure;
using Crm.Tests;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Documents;

/// <summary>
/// The content pipeline against the corpus in tests/corpus (odd, hostile and poison files, see its SOURCES.md),
/// through a real server process on the embedded default: no 5xx, every file downloads byte for byte, every
/// readable text is found by its words with and without diacritics, the server never dies and stays under 1 GB
/// resident while its extraction workers chew on bombs.
/// </summary>
public sealed class ContentCorpusTests
{
    private const long ServerMemoryCeiling = 1024L * 1024 * 1024;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]   // refuses NUL in text: a stray byte must not stop indexing
    public async Task Corpus_StoredReadFoundAndSurvived(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            TestEnvironment.RequirePostgreSql();
        }

        await using var database = TestDatabase.Create(provider);
        await using var server = await ServerProcess.StartAsync(database.Settings());
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(server, sampling.Token);
        using var client = await server.AdminClientAsync();
        var folder = await CreateFolderAsync(client, "Korpus");
        var ocr = File.Exists("/usr/bin/tesseract");

        var stored = new Dictionary<string, (string Id, Row Row)>();
        foreach (var row in Manifest())
        {
            var bytes = await File.ReadAllBytesAsync(TestCorpus.PathOf(row.File));
            var response = await UploadAsync(client, folder, row.File, bytes);
            Assert.True((int)response.StatusCode < 500, $"{row.File}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (bytes.Length == 0)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);   // "The file is empty."
                continue;
            }

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            stored[row.File] = (id, row);
            var download = await client.GetAsync($"/api/documents/{id}/content");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }

        // Every version gets a verdict (text, an error, or a quarantine); none stays pending.
        var versions = new Dictionary<string, JsonElement>();
        foreach (var (file, (id, _)) in stored)
        {
            versions[file] = await WaitExtractedAsync(client, id, file);
        }

        foreach (var (file, (id, row)) in stored)
        {
            if (row.Expect == "text" || (row.Expect == "ocr" && ocr))
            {
                Assert.True(versions[file].GetProperty("extractionError").ValueKind == JsonValueKind.Null, $"{file}: {versions[file]}");
                foreach (var word in row.Words)
                {
                    await AssertFoundAsync(client, word, id, file);
                    if (Fold(word) != word)
                    {
                        await AssertFoundAsync(client, Fold(word), id, file);
                    }
                }
            }
            else
            {
                // Unreadable, hostile or poison: still found by its name.
                await AssertFoundAsync(client, Path.GetFileNameWithoutExtension(file).Split('-')[0], id, file);
            }
        }

        Assert.False(server.HasExited, "the server died");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        sampling.Cancel();
        var peakBytes = await peak;
        Assert.True(peakBytes < ServerMemoryCeiling, $"server peak RSS {peakBytes / 1024 / 1024} MB");
    }

    [Fact]
    public async Task PoisonPdf_CrashesOnlyAWorker_IsQuarantined_AndRetryable()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        var settings = database.Settings();
        // PdfPig reads PDFs when poppler is absent (the embedded default); its stack overflow on a cyclic bookmark
        // tree is uncatchable: it must cost a worker, never the server.
        settings["Crm:Extraction:UsePdfToText"] = "false";
        await using var server = await ServerProcess.StartAsync(settings);
        using var client = await server.AdminClientAsync();
        var folder = await CreateFolderAsync(client, "Kwarantanna");

        var poison = await UploadIdAsync(client, folder, "poison-outline.pdf");
        var version = await WaitExtractedAsync(client, poison, "poison-outline.pdf");
        Assert.True(version.GetProperty("extractionQuarantined").GetBoolean(), version.ToString());
        Assert.Contains("crashed", version.GetProperty("extractionError").GetString(), StringComparison.Ordinal);
        Assert.False(server.HasExited, "the server died with its worker");
        await AssertFoundAsync(client, "poison", poison, "poison-outline.pdf");

        // The next file gets a fresh worker and is read.
        var glued = await UploadIdAsync(client, folder, "glued-words.pdf");
        await WaitExtractedAsync(client, glued, "glued-words.pdf");
        await AssertFoundAsync(client, "Zbarsky", glued, "glued-words.pdf");

        // Someone asks for another try: it is read again (and quarantined again), the server still stands.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/documents/{poison}/retry-extraction", null)).StatusCode);
        version = await WaitExtractedAsync(client, poison, "poison-outline.pdf");
        Assert.True(version.GetProperty("extractionQuarantined").GetBoolean(), version.ToString());
        Assert.False(server.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task ServerKilledWhileReading_TheNextStartReadsTheFiles()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        var first = await ServerProcess.StartAsync(database.Settings());
        string scan, mail;
        using (var client = await first.AdminClientAsync())
        {
            var folder = await CreateFolderAsync(client, "Awaria");
            scan = await UploadIdAsync(client, folder, "scan-polish.pdf");      // OCR: a second or more of work
            mail = await UploadIdAsync(client, folder, "latin2-declared.eml");
        }

        await first.KillAsync();   // SIGKILL while the index worker reads (or is about to)
        await first.DisposeAsync();

        await using var second = await ServerProcess.StartAsync(database.Settings());
        using var again = await second.AdminClientAsync();
        var version = await WaitExtractedAsync(again, scan, "scan-polish.pdf");
        Assert.False(version.GetProperty("extractionQuarantined").GetBoolean(), version.ToString());
        await WaitExtractedAsync(again, mail, "latin2-declared.eml");
        await AssertFoundAsync(again, "Wrzeszcz", mail, "latin2-declared.eml");
        if (File.Exists("/usr/bin/tesseract"))
        {
            await AssertFoundAsync(again, "swietokrzyskie", scan, "scan-polish.pdf");
        }
    }

    private sealed record Row(string File, string Expect, string[] Words);

    private static IEnumerable<Row> Manifest() =>
        File.ReadAllLines(TestCorpus.PathOf("MANIFEST.tsv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(c => new Row(c[0], c[1], c.Length > 2 ? c[2].Split(' ', StringSplitOptions.RemoveEmptyEntries) : []));

    /// <summary>What a searcher without Polish keys types: diacritics removed, ł as l.</summary>
    private static string Fold(string word)
    {
        var decomposed = word.Replace('ł', 'l').Replace('Ł', 'L').Normalize(NormalizationForm.FormD);
        return new string([.. decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)]).Normalize(NormalizationForm.FormC);
    }

    private static async Task<long> SamplePeakAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var peak = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            peak = Math.Max(peak, server.ResidentBytes());
            await Task.Delay(100, CancellationToken.None);
        }

        return peak;
    }

    private static async Task<string> CreateFolderAsync(HttpClient client, string name)
    {
        var response = await client.PostAsJsonAsync("/api/folders", new { name });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string folder, string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent { { new StringContent(folder), "folderId" }, { new StringContent(fileName), "title" } };
        content.Add(new ByteArrayContent(bytes), "file", fileName);
        return await client.PostAsync("/api/documents", content);
    }

    private static async Task<string> UploadIdAsync(HttpClient client, string folder, string fileName)
    {
        var response = await UploadAsync(client, folder, fileName, await File.ReadAllBytesAsync(TestCorpus.PathOf(fileName)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitExtractedAsync(HttpClient client, string id, string file)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var versions = await client.GetFromJsonAsync<JsonElement>($"/api/documents/{id}/versions");
            var current = versions.EnumerateArray().First();
            if (current.GetProperty("extracted").GetBoolean())
            {
                return current;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{file} was never extracted: {current}");
            await Task.Delay(200);
        }
    }

    /// <summary>The text is saved before the index commits its batch: a hit may take a moment.</summary>
    private static async Task AssertFoundAsync(HttpClient client, string word, string id, string file)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await client.GetAsync($"/api/search?q={Uri.EscapeDataString(word)}&pageSize=100");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"search {word}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (result.GetProperty("items").EnumerateArray().Any(h => h.GetProperty("id").GetString() == id))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"'{word}' does not find {file}: {result}");
            await Task.Delay(300);
        }
    }
}
