using System.Diagnostics;

namespace Crm.Platform.Office;

/// <summary>
/// Converts an Office file (.docx, .xlsx, .pptx, .odt, .doc ...) to PDF with LibreOffice in headless mode, when it is
/// installed: letters from templates and the previews of Office documents share this one runner and its limits. Each conversion
/// runs in its own temporary folder with its own LibreOffice profile: two conversions at once would otherwise meet in
/// one profile, and the second would hand its file to the first instance and exit without a PDF.
/// </summary>
public static class OfficeToPdf
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Names = ["soffice", "libreoffice"];

    /// <summary>The LibreOffice launcher on PATH or in /usr/bin, or null.</summary>
    public static string? OfficePath =>
        Names.SelectMany(name => Directories().Select(dir => Path.Combine(dir, name))).FirstOrDefault(File.Exists);

    public static bool IsAvailable => OfficePath is not null;


    /// <summary>At most two LibreOffice processes at once on a node: each takes hundreds of MB and a core.</summary>
    private static readonly SemaphoreSlim Slots = new(2, 2);

    /// <summary>The PDF's bytes. The LibreOffice process tree is killed when it outlives the timeout.</summary>
    public static async Task<byte[]> ConvertAsync(byte[] document, string extension, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var office = OfficePath
            ?? throw new OfficeConversionException("LibreOffice is not installed: neither soffice nor libreoffice is on PATH or in /usr/bin.");
        var suffix = SafeExtension(extension);
        await Slots.WaitAsync(cancellationToken);
        try
        {
            return await ConvertWithAsync(office, document, suffix, timeout, cancellationToken);
        }
        finally
        {
            Slots.Release();
        }
    }

    private static async Task<byte[]> ConvertWithAsync(string office, byte[] document, string extension, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("crm-pdf-");
        try
        {
            var input = Path.Combine(work.FullName, "document" + extension);
            var output = Directory.CreateDirectory(Path.Combine(work.FullName, "out")).FullName;
            var profile = new Uri(Path.Combine(work.FullName, "profile")).AbsoluteUri;
            await File.WriteAllBytesAsync(input, document, cancellationToken);

            var (exitCode, messages) = await RunAsync(office, ["--headless", "--norestore", $"-env:UserInstallation={profile}",
                "--convert-to", "pdf", "--outdir", output, input], work.FullName, timeout, cancellationToken);
            var pdf = Path.Combine(output, "document.pdf");
            if (exitCode != 0 || !File.Exists(pdf))
            {
                throw new OfficeConversionException($"LibreOffice could not convert the {extension} file to PDF (exit code {exitCode}): {messages}");
            }

            return await File.ReadAllBytesAsync(pdf, cancellationToken);
        }
        finally
        {
            Delete(work);
        }
    }

    private static async Task<(int ExitCode, string Messages)> RunAsync(string file, IEnumerable<string> arguments, string folder,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = folder;   // LibreOffice also writes caches under HOME; a service user may have none

        using var process = Process.Start(start) ?? throw new OfficeConversionException($"Could not start LibreOffice ({file}).");
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new OfficeConversionException($"LibreOffice did not finish the PDF within {timeout.TotalSeconds:0} s and was stopped.");
        }

        var messages = (await standardError + " " + await standardOutput).Trim();
        return (process.ExitCode, messages.Length > 2000 ? messages[..2000] : messages);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // it exited on its own meanwhile
        }
    }

    /// <summary>LibreOffice picks its import filter partly by the extension; anything odd becomes ".bin" (it then sniffs).</summary>
    private static string SafeExtension(string extension)
    {
        var trimmed = extension.TrimStart('.').ToLowerInvariant();
        return trimmed.Length is > 0 and <= 5 && trimmed.All(char.IsAsciiLetterOrDigit) ? "." + trimmed : ".bin";
    }

    private static IEnumerable<string> Directories() =>
        [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries), "/usr/bin"];

    /// <summary>Best effort: a killed LibreOffice may still hold a file for a moment; the OS cleans temp later.</summary>
    private static void Delete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>LibreOffice is missing, failed, or ran out of time; the message says which.</summary>
public sealed class OfficeConversionException(string message) : Exception(message);
