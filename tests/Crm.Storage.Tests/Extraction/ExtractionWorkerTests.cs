using Crm.Extraction;
using Crm.Storage.Extraction;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Crm.Storage.Tests.Extraction;

/// <summary>
/// The supervised worker processes with real files from tests/corpus: a crash, a memory blow-up or a hang
/// costs one worker and gives a poisoned result; the next file is read by a fresh worker.
/// </summary>
public sealed class ExtractionWorkerTests
{
    private static readonly ExtractionLimits Limits = new();

    [Fact]
    public async Task StackOverflowInAParser_KillsOnlyTheWorker_NextFileIsRead()
    {
        await using var pool = Pool(new ExtractionWorkerOptions { Workers = 1, UsePdfToText = false });

        var poison = await pool.ExtractAsync(Corpus("poison-outline.pdf"), "application/pdf", Limits, CancellationToken.None);
        Assert.True(poison.Poisoned);
        Assert.Contains("stack overflow", poison.Error, StringComparison.Ordinal);

        var next = await pool.ExtractAsync(Corpus("glued-words.pdf"), "application/pdf", Limits, CancellationToken.None);
        Assert.False(next.Poisoned);
        Assert.Contains("Zbarsky", next.Text, StringComparison.Ordinal);
        Assert.Equal(2, pool.WorkersStarted);
    }

    [Fact]
    public async Task MemoryCeiling_StopsTheWorker_NextFileIsRead()
    {
        // 158 MB resident for this spreadsheet's million shared strings; the ceiling here is 100 MB.
        await using var pool = Pool(new ExtractionWorkerOptions { Workers = 1, MemoryLimitBytes = 100L * 1024 * 1024 });

        var blowup = await pool.ExtractAsync(Corpus("cells-blowup.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Limits, CancellationToken.None);
        Assert.True(blowup.Poisoned, blowup.ToString());
        Assert.Matches("memory", blowup.Error!);

        var next = await pool.ExtractAsync(Corpus("utf8-polish.txt"), "text/plain", Limits, CancellationToken.None);
        Assert.Contains("Szczebrzeszyn", next.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WallClock_StopsAHungRead_NextFileIsRead()
    {
        await using var pool = Pool(new ExtractionWorkerOptions { Workers = 1 });
        var tight = Limits with { Timeout = TimeSpan.FromMilliseconds(150) };

        var slow = await pool.ExtractAsync(Corpus("cells-blowup.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tight, CancellationToken.None);
        Assert.True(slow.Poisoned, slow.ToString());
        Assert.Contains("longer than", slow.Error, StringComparison.Ordinal);

        var next = await pool.ExtractAsync(Corpus("utf8-polish.txt"), "text/plain", Limits, CancellationToken.None);
        Assert.Contains("Szczebrzeszyn", next.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capabilities_AreReported_AndOcrOffIsSaidOnTheImage()
    {
        await using var pool = Pool(new ExtractionWorkerOptions { Workers = 1 });

        var ready = await pool.WarmUpAsync(CancellationToken.None);
        var image = await pool.ExtractAsync(Corpus("scan-english.jpg"), "image/jpeg", Limits, CancellationToken.None);

        if (ready.Ocr)
        {
            Assert.Contains("Glasgow", image.Text, StringComparison.Ordinal);
            Assert.Equal("Text read by OCR.", image.Note);
        }
        else
        {
            Assert.Null(image.Text);
            Assert.Contains("OCR is off", image.Note, StringComparison.Ordinal);
        }
    }

    private static ExtractionWorkerPool Pool(ExtractionWorkerOptions options) => new(options, NullLogger<ExtractionWorkerPool>.Instance);

    private static string Corpus(string file) => Crm.Tests.TestCorpus.PathOf(file);
}
