using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Crm.Bench;

/// <summary>(b) The real server process over HTTP: start an instance that waits at a user task (the start answers with the task), complete it.</summary>
internal static class HttpRoundTrips
{
    private const string ProcessXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="bench">
          <bpmn:process id="bench-task" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <bpmn:userTask id="work" name="Work" crm:assignee="admin"/>
            <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static async Task<double> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        var port = FreePort();
        var dataPath = Directory.CreateTempSubdirectory("crm-bench-http-").FullName;
        var start = new ProcessStartInfo("dotnet", [options.ServerDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(options.ServerDll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Crm__DataPath"] = dataPath;
        start.Environment["Crm__Admin__InitialPassword"] = "Bench-Admin-1";
        start.Environment["Crm__SignIn__RequestsPerMinutePerClient"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Crm__Database__Provider"] = options.IsPostgres ? "PostgreSql" : "Sqlite";
        start.Environment["ConnectionStrings__Crm"] = options.IsPostgres ? options.Database : $"Data Source={Path.Combine(options.Database, "http.db")};Default Timeout=30";
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("   server: " + e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(http, server);
            var token = await (await http.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = "Bench-Admin-1" })).Content.ReadFromJsonAsync<JsonElement>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
            (await http.PostAsync("/api/process-definitions", new StringContent(ProcessXml, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();

            var counter = 0;
            return await Load.RunAsync(options, async _ =>
            {
                var key = "B-" + Interlocked.Increment(ref counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var response = await http.PostAsJsonAsync("/api/process-instances", new { processKey = "bench-task", businessKey = key });
                response.EnsureSuccessStatusCode();
                var started = await response.Content.ReadFromJsonAsync<JsonElement>();
                var taskId = started.GetProperty("openTasks")[0].GetProperty("id").GetString();
                (await http.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { done = true } })).EnsureSuccessStatusCode();
            }, progress);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(dataPath, recursive: true);
        }
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
