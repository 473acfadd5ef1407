using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.Extraction;

namespace Crm.Storage.Extraction;

/// <summary>One worker process: a request line in, a result line out, watched while it works.</summary>
internal sealed class ExtractionWorker : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly string[] KeptEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DOTNET_ROOT", "DOTNET_HOST_PATH", "TESSDATA_PREFIX"];
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly List<string> _firstErrors = [];   // a crash report starts with its cause ("Stack overflow.")

    private ExtractionWorker(Process process, WorkerReady ready)
    {
        _process = process;
        Ready = ready;
    }

    public WorkerReady Ready { get; private set; }

    public int Files { get; private set; }

    public int Pid => _process.Id;

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public static async Task<ExtractionWorker> StartAsync(string workerPath, ExtractionWorkerOptions options, CancellationToken cancellationToken)
    {
        if (!File.Exists(workerPath))
        {
            throw new InvalidOperationException($"The extraction worker {workerPath} is missing: text cannot be extracted.");
        }

        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetTempPath(),
        };
        var dotnet = DotnetHost();
        var runtimeConfig = Path.ChangeExtension(workerPath, ".runtimeconfig.json");
        var command = new List<string> { dotnet, "exec" };
        if (File.Exists(runtimeConfig))
        {
            command.AddRange(["--runtimeconfig", runtimeConfig]);
        }

        command.Add(workerPath);
        if (ExternalTools.Find("prlimit") is { } prlimit)
        {
            // Address space: the managed heap cap plus the runtime's own reservations (generous: RSS is watched).
            command.InsertRange(0, [prlimit, $"--as={options.MemoryLimitBytes * 4 + (2L << 30)}", "--"]);
        }

        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // The worker gets no secrets: not the server's connection strings or object-store keys, only what a
        // .NET program and the Debian readers need.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (!KeptEnvironment.Contains(name, StringComparer.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["TMPDIR"] = options.ScratchFolder;   // OCR pages and other scratch files stay private
        start.Environment["DOTNET_GCHeapHardLimit"] = (options.MemoryLimitBytes * 3 / 4).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_GCgen0size"] = "0x1000000";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The extraction worker could not be started.");
        var worker = new ExtractionWorker(process, new WorkerReady(false, false, false, null));
        process.ErrorDataReceived += (_, e) => worker.KeepError(e.Data);
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            var hello = await process.StandardOutput.ReadLineAsync(timeout.Token);
            worker.Ready = hello is null ? throw new InvalidOperationException($"The extraction worker exited at start: {worker.LastErrors()}")
                : JsonSerializer.Deserialize<WorkerReady>(hello, ExtractionProtocol.Json)!;
            return worker;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await worker.DisposeAsync();
            throw new TimeoutException($"The extraction worker did not start within 30 s: {worker.LastErrors()}");
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one file. <c>Died</c> means the worker is gone (crash, limit, timeout) and must not be reused.</summary>
    public async Task<(ExtractionResult Result, bool Died)> RunAsync(ExtractionRequest request, TimeSpan timeLimit, long memoryLimit, CancellationToken cancellationToken)
    {
        Files++;
        var line = JsonSerializer.Serialize(request, ExtractionProtocol.Json);
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        var reading = _process.StandardOutput.ReadLineAsync(cancellationToken).AsTask();
        var watch = Stopwatch.StartNew();
        var peak = 0L;
        while (true)
        {
            if (await Task.WhenAny(reading, Task.Delay(Poll, cancellationToken)) == reading)
            {
                var answer = await reading;
                if (answer is null)
                {
                    return (ExtractionResult.Poison(CrashReason()), true);
                }

                return (JsonSerializer.Deserialize<ExtractionResult>(answer, ExtractionProtocol.Json)!, false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            peak = Math.Max(peak, ResidentBytes());
            if (peak > memoryLimit)
            {
                Kill();
                return (ExtractionResult.Poison($"Reading the file needed more than {memoryLimit / 1024 / 1024} MB of memory and was stopped."), true);
            }

            // The worker stops its own tools at the time limit; a little grace for it to answer, then it is killed.
            if (watch.Elapsed > timeLimit + (timeLimit < Grace ? timeLimit : Grace))
            {
                Kill();
                return (ExtractionResult.Poison($"Reading the file took longer than {timeLimit.TotalSeconds:0} s and was stopped."), true);
            }
        }
    }

    private string CrashReason()
    {
        Kill();   // a tool it started may still hold the stderr pipe open
        if (_process.WaitForExit(2000))
        {
            // and until its stderr is read to the end (the runtime's last words), but not forever
            Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(2));
        }

        var errors = LastErrors();
        var what = errors.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? "a stack overflow"
            : errors.Contains("OutOfMemory", StringComparison.Ordinal) ? "running out of memory"
            : _process.HasExited ? $"exit code {_process.ExitCode}" : "an unknown reason";
        return $"The reader crashed on this file ({what}).";
    }

    /// <summary>Resident set size from /proc (Linux); the process's working set elsewhere.</summary>
    private long ResidentBytes()
    {
        try
        {
            var statm = File.ReadAllText($"/proc/{_process.Id}/statm").Split(' ');
            return long.Parse(statm[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            try
            {
                _process.Refresh();
                return _process.HasExited ? 0 : _process.WorkingSet64;
            }
            catch (InvalidOperationException)
            {
                return 0;
            }
        }
    }

    private void KeepError(string? line)
    {
        if (line is null)
        {
            return;
        }

        line = line.Length > 500 ? line[..500] : line;
        lock (_stderr)
        {
            if (_firstErrors.Count < 10)
            {
                _firstErrors.Add(line);
                return;
            }

            _stderr.Enqueue(line);
            while (_stderr.Count > 30)
            {
                _stderr.Dequeue();
            }
        }
    }

    private string LastErrors()
    {
        lock (_stderr)
        {
            return string.Join('\n', _firstErrors.Concat(_stderr));
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
            : ExternalTools.Find("dotnet") ?? Path.Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "/usr/share/dotnet", "dotnet");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();   // a worker ends when its stdin closes
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            Kill();
        }

        _process.Dispose();
    }
}
