using System.Diagnostics;
using System.Text;

namespace Crm.Extraction;

/// <summary>
/// Debian readers the worker may call when installed: pdftotext/pdftoppm (poppler-utils) and tesseract (OCR).
/// Each runs under prlimit (address space and CPU seconds) with a wall clock, and its output is read only up to
/// the character cap; what a run cannot finish becomes an error, never a hang.
/// </summary>
public sealed class ExternalTools
{
    public const long ToolMemory = 1024L * 1024 * 1024;

    public string? PdfToText { get; init; }
    public string? PdfToPpm { get; init; }
    public string? Tesseract { get; init; }
    public string? OcrLanguages { get; init; }
    public string? Prlimit { get; init; }

    public bool CanOcr => Tesseract is not null && OcrLanguages is not null;

    private static readonly string[] Languages = ["pol", "eng"];

    public static ExternalTools Detect()
    {
        var tesseract = Find("tesseract");
        string? languages = null;
        if (tesseract is not null && Run(tesseract, ["--list-langs"], null, TimeSpan.FromSeconds(10), 10_000) is { ExitCode: 0 } list)
        {
            var installed = list.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            var wanted = Languages.Where(installed.Contains).ToList();
            languages = wanted.Count > 0 ? string.Join('+', wanted) : null;
        }

        return new ExternalTools { PdfToText = Find("pdftotext"), PdfToPpm = Find("pdftoppm"), Tesseract = tesseract, OcrLanguages = languages, Prlimit = Find("prlimit") };
    }

    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    public sealed record RunResult(int ExitCode, string Output, bool TimedOut, bool Cut, string Errors);

    public RunResult RunLimited(string tool, IEnumerable<string> arguments, TimeSpan wallClock, int maxChars)
    {
        if (Prlimit is null)
        {
            return Run(tool, arguments, null, wallClock, maxChars);
        }

        var cpuSeconds = (int)Math.Ceiling(wallClock.TotalSeconds);
        return Run(Prlimit, [$"--as={ToolMemory}", $"--cpu={cpuSeconds}", "--", tool, .. arguments], null, wallClock, maxChars);
    }

    private static RunResult Run(string file, IEnumerable<string> arguments, string? workingDirectory, TimeSpan wallClock, int maxChars)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMP_THREAD_LIMIT"] = "1";   // tesseract: one thread per page, workers run side by side
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is not null && errors.Length < 4000)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var output = new StringBuilder();
        var cut = false;
        var reading = Task.Run(() =>
        {
            var buffer = new char[8192];
            int read;
            while ((read = process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                var room = maxChars - output.Length;
                output.Append(buffer, 0, Math.Min(read, Math.Max(0, room)));
                if (read > room)
                {
                    cut = true;
                    return;   // enough text: the process is stopped below
                }
            }
        });
        var finished = reading.Wait(wallClock);
        if (!finished || cut)
        {
            Kill(process);
            reading.Wait(TimeSpan.FromSeconds(2));
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(finished ? 10 : 2)))
        {
            Kill(process);
        }

        string errorText;
        lock (errors)
        {
            errorText = errors.ToString();
        }

        return new RunResult(process.HasExited ? process.ExitCode : -1, output.ToString(), !finished, cut, errorText);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
