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

    /// <summary>
    /// A folder only this user can open, for the copies workers read and their tools' scratch files (TMPDIR);
    /// emptied of leftovers when the pool starts.
    /// </summary>
    public string ScratchFolder { get; init; } = Path.Combine(Path.GetTempPath(), "crm-extract-" + Environment.UserName);

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
    private readonly SemaphoreSlim _slots = new(options.Workers >= 1 ? options.Workers
        : throw new ArgumentOutOfRangeException(nameof(options), "Crm:Extraction:Workers must be at least 1."));
    private readonly ConcurrentBag<ExtractionWorker> _idle = [];
    private readonly bool _scratchReady = PrepareScratch(options.ScratchFolder);
    private int _started;

    /// <summary>What the last started worker reported it can read (pdftotext, OCR); null before the first.</summary>
    public WorkerReady? Capabilities { get; private set; }

    /// <summary>Workers started since the server started (a crash or limit hit starts a new one).</summary>
    public int WorkersStarted => _started;

    public ExtractionWorkerOptions Options => options;

    /// <summary>
    /// Starts the workers (to learn and log what they can read) and keeps them for the first files, so the first
    /// documents after a start do not wait for processes to start.
    /// </summary>
    public async Task<WorkerReady> WarmUpAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(async _ =>
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                _idle.Add(await TakeAsync(cancellationToken));
            }
            finally
            {
                _slots.Release();
            }
        }));
        return Capabilities!;
    }

    public async Task<ExtractionResult> ExtractAsync(string path, string contentType, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        var request = new ExtractionRequest(path, contentType, limits.MaxChars, limits.MaxUnzippedBytes, limits.MaxZipRatio, limits.MaxOcrPages, options.UsePdfToText, limits.TimeLimit.TotalSeconds);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            // An idle worker may have died since (the kernel's OOM killer, an operator): one fresh try.
            for (var attempt = 0; ; attempt++)
            {
                var worker = await TakeAsync(cancellationToken);
                var keep = false;
                try
                {
                    var (result, died) = await worker.RunAsync(request, limits.TimeLimit, options.MemoryLimitBytes, cancellationToken);
                    if (died)
                    {
                        logger.LogWarning("Extraction worker {Pid} stopped on a {ContentType} file: {Reason}", worker.Pid, contentType, result.Error);
                    }

                    keep = !died && worker.Files < options.FilesPerWorker;
                    return result;
                }
                catch (IOException) when (attempt == 0 && !cancellationToken.IsCancellationRequested)
                {
                    // its pipe broke before the request got through: the file was not the cause
                }
                finally
                {
                    if (keep)
                    {
                        _idle.Add(worker);
                    }
                    else
                    {
                        await DisposeQuietlyAsync(worker);
                    }
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<ExtractionWorker> TakeAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (!idle.HasExited)
            {
                return idle;
            }

            await DisposeQuietlyAsync(idle);
        }

        return await StartAsync(cancellationToken);
    }

    private async Task DisposeQuietlyAsync(ExtractionWorker worker)
    {
        try
        {
            await worker.DisposeAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            logger.LogWarning(ex, "Extraction worker {Pid} could not be stopped cleanly", worker.Pid);
        }
    }

    private async Task<ExtractionWorker> StartAsync(CancellationToken cancellationToken)
    {
        _ = _scratchReady;
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

    /// <summary>Creates the scratch folder (mode 0700) and removes what killed workers left there.</summary>
    private static bool PrepareScratch(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().Where(e => e.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)))
        {
            try
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            catch (IOException)
            {
                // in use by another server on the same folder: its own cleanup will get it
            }
        }

        return true;
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
