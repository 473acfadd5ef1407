using System.Collections.Concurrent;
using Crm.Extraction;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Extraction;

/// <summary>How the server runs its extraction workers.</summary>
public sealed record ExtractionWorkerOptions
{
    /// <summary>Workers side by side (each reads one file at a time).</summary>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>A worker whose resident memory passes this is killed and the file quarantined.</summary>
    public long MemoryLimitBytes { get; init; } = 768L * 1024 * 1024;

    /// <summary>A worker is replaced after this many files, so no fragmentation or leak builds up.</summary>
    public int FilesPerWorker { get; init; } = 500;

    /// <summary>Use poppler's pdftotext when installed (PdfPig in the worker otherwise).</summary>
    public bool UsePdfToText { get; init; } = true;

    /// <summary>The worker program; by default Crm.Extraction.dll beside the server's assemblies.</summary>
    public string? WorkerPath { get; init; }
}

/// <summary>
/// Runs text extraction in separate worker processes (storage/Crm.Extraction) and supervises them: a wall
/// clock per file, a resident-memory ceiling (polled), a managed heap cap (DOTNET_GCHeapHardLimit) and an
/// address-space limit (prlimit) on the worker. A crash, hang or limit hit kills that worker only; the file gets
/// a poisoned result (the caller quarantines it) and the next file gets a fresh worker.
/// </summary>
public sealed class ExtractionWorkerPool(ExtractionWorkerOptions options, ILogger<ExtractionWorkerPool> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Workers);
    private readonly ConcurrentBag<ExtractionWorker> _idle = [];
    private int _started;

    /// <summary>What the last started worker reported it can read (pdftotext, OCR); null before the first.</summary>
    public WorkerReady? Capabilities { get; private set; }

    /// <summary>Workers started since the server started (a crash or limit hit starts a new one).</summary>
    public int WorkersStarted => _started;

    public ExtractionWorkerOptions Options => options;

    /// <summary>Starts one worker (to learn and log what it can read) and keeps it for the first file.</summary>
    public async Task<WorkerReady> WarmUpAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var worker = _idle.TryTake(out var idle) ? idle : await StartAsync(cancellationToken);
            _idle.Add(worker);
            return Capabilities!;
        }
        finally
        {
            _slots.Release();
        }
    }

    public async Task<ExtractionResult> ExtractAsync(string path, string contentType, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        var request = new ExtractionRequest(path, contentType, limits.MaxChars, limits.MaxUnzippedBytes, limits.MaxZipRatio, limits.MaxOcrPages, options.UsePdfToText, limits.TimeLimit.TotalSeconds);
        await _slots.WaitAsync(cancellationToken);
        ExtractionWorker? worker = null;
        try
        {
            worker = _idle.TryTake(out var idle) ? idle : await StartAsync(cancellationToken);
            var (result, died) = await worker.RunAsync(request, limits.TimeLimit, options.MemoryLimitBytes, cancellationToken);
            if (died)
            {
                logger.LogWarning("Extraction worker {Pid} stopped on a {ContentType} file: {Reason}", worker.Pid, contentType, result.Error);
                await worker.DisposeAsync();
                worker = null;
            }

            return result;
        }
        catch
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();   // cancelled or broken mid-file: its state is unknown
                worker = null;
            }

            throw;
        }
        finally
        {
            if (worker is not null)
            {
                if (worker.Files >= options.FilesPerWorker)
                {
                    await worker.DisposeAsync();
                }
                else
                {
                    _idle.Add(worker);
                }
            }

            _slots.Release();
        }
    }

    private async Task<ExtractionWorker> StartAsync(CancellationToken cancellationToken)
    {
        var worker = await ExtractionWorker.StartAsync(WorkerPath(), options, cancellationToken);
        Interlocked.Increment(ref _started);
        if (Capabilities is null)
        {
            logger.LogInformation("Text extraction runs in worker processes ({Workers} at most, {Memory} MB each). pdftotext: {PdfToText}; OCR: {Ocr}",
                options.Workers, options.MemoryLimitBytes / 1024 / 1024, worker.Ready.PdfToText ? "on" : "off (PdfPig reads PDFs)",
                worker.Ready.Ocr ? $"on ({worker.Ready.OcrLanguages})" : "off: install tesseract-ocr with tesseract-ocr-pol to read scans and images");
        }

        Capabilities = worker.Ready;
        return worker;
    }

    private string WorkerPath() => options.WorkerPath ?? Path.Combine(AppContext.BaseDirectory, "Crm.Extraction.dll");

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var worker))
        {
            await worker.DisposeAsync();
        }

        _slots.Dispose();
    }
}
