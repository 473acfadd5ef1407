using System.Diagnostics;
using Crm.Tests;
using Xunit;

namespace Crm.Server.Tests.Hosting;

/// <summary>
/// Starts the real server process with bad settings: it must stop with one message naming the
/// setting, a non-zero exit code, and no stack trace.
/// </summary>
public sealed class StartupConfigurationTests
{
    [Fact]
    public async Task UnknownDatabaseProvider_StopsNamingTheSetting()
    {
        var run = await RunServerAsync(new() { ["Crm__Database__Provider"] = "Oracle" });

        AssertCleanFailure(run, "Crm:Database:Provider");
    }

    [Fact]
    public async Task UnknownStorageProvider_StopsNamingTheSetting()
    {
        var run = await RunServerAsync(new() { ["Crm__Storage__Provider"] = "Floppy" });

        AssertCleanFailure(run, "Crm:Storage:Provider");
    }

    [Fact]
    public async Task UnreachablePostgreSql_StopsNamingTheConnectionString()
    {
        var run = await RunServerAsync(new()
        {
            ["Crm__Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__Crm"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=crm;Timeout=3",
        });

        AssertCleanFailure(run, "ConnectionStrings:Crm");
    }

    [Fact]
    public async Task PostgreSqlWithoutConnectionString_StopsNamingTheConnectionString()
    {
        var run = await RunServerAsync(new() { ["Crm__Database__Provider"] = "PostgreSql" });

        AssertCleanFailure(run, "ConnectionStrings:Crm");
    }

    [Fact]
    public async Task WrongS3Credentials_StopsNamingTheCredentialSettings()
    {
        var endpoint = TestEnvironment.RequireS3();

        var run = await RunServerAsync(new()
        {
            ["Crm__Storage__Provider"] = "S3",
            ["Crm__Storage__S3__Endpoint"] = endpoint,
            ["Crm__Storage__S3__AccessKey"] = TestEnvironment.S3AccessKey,
            ["Crm__Storage__S3__SecretKey"] = "definitely-wrong",
            ["Crm__Storage__S3__Bucket"] = "crm-startup-test",
        });

        AssertCleanFailure(run, "Crm:Storage:S3:SecretKey");
    }

    [Fact]
    public async Task IndexRebuildCommand_RebuildsFromDatabaseAndObjects_WithProgress()
    {
        // Loading the demo data and indexing it takes a few seconds alone, much longer on a busy CI machine.
        var run = await RunServerAsync(new() { ["Crm__Demo__Load"] = "true" }, TimeSpan.FromMinutes(3), "index", "rebuild");

        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains("Rebuilding the search index", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("100%", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("Indexed 7 documents", run.StdOut, StringComparison.Ordinal);   // the demo binders and the two templates
    }

    private static void AssertCleanFailure((int ExitCode, string StdErr, string StdOut) run, string setting)
    {
        Assert.True(run.ExitCode != 0, $"expected a failed start; stdout: {run.StdOut}");
        Assert.Contains(setting, run.StdErr, StringComparison.Ordinal);
        Assert.StartsWith("Start-up failed.", run.StdErr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdErr + run.StdOut, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string StdErr, string StdOut)> RunServerAsync(Dictionary<string, string> environment, params string[] arguments) =>
        RunServerAsync(environment, TimeSpan.FromSeconds(60), arguments);

    private static async Task<(int ExitCode, string StdErr, string StdOut)> RunServerAsync(Dictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "crm-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [ServerDll(), .. arguments, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(ServerDll())!,
        };
        start.Environment["Crm__DataPath"] = dataPath;
        start.Environment["Crm__Admin__InitialPassword"] = "Admin-Pass-123";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The server was still running after {limit.TotalSeconds:0} s (a bad configuration must stop it; a command must end).");
        }
        finally
        {
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }

        return (process.ExitCode, await stderr, await stdout);
    }

    private static string ServerDll() => Infrastructure.ServerProcess.ServerDll();
}
