using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Crm.Bench;

/// <summary>The real server as a child process on a free port, and an HTTP client signed in as its admin.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private const string AdminPassword = "Bench-Admin-1";
    private readonly Process _process;
    private readonly string _dataPath;

    private BenchServer(Process process, string dataPath, HttpClient http)
    {
        _process = process;
        _dataPath = dataPath;
        Http = http;
    }

    public HttpClient Http { get; }

    public static async Task<BenchServer> StartAsync(BenchOptions options, string sqliteFile, IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var dataPath = Directory.CreateTempSubdirectory("crm-bench-server-").FullName;
        var start = new ProcessStartInfo("dotnet", [options.ServerDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(options.ServerDll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Crm__DataPath"] = dataPath;
        start.Environment["Crm__Admin__InitialPassword"] = AdminPassword;
        start.Environment["Crm__SignIn__RequestsPerMinutePerClient"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Crm__Database__Provider"] = options.IsPostgres ? "PostgreSql" : "Sqlite";
        start.Environment["ConnectionStrings__Crm"] = options.IsPostgres ? options.Database : $"Data Source={Path.Combine(options.Database, sqliteFile)};Default Timeout=30";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("   server: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        await WaitForHealthAsync(http, process);
        var token = await (await http.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = AdminPassword })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return new BenchServer(process, dataPath, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_dataPath, recursive: true);
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server)
    {
        for (var i = 0; i < 120; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {server.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("the server did not become healthy in 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
