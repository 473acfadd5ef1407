using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crm.Bench;

/// <summary>(b) The real server process over HTTP: start an instance that waits at a user task (the start answers with the task), complete it.</summary>
internal static class HttpRoundTrips
{
    internal const string ProcessXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="bench">
          <bpmn:process id="bench-task" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <bpmn:userTask id="work" name="Work" crm:assignee="admin" crm:writes="done"/>
            <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static async Task<double> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        await using var server = await BenchServer.StartAsync(options, "http.db");
        var http = server.Http;
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
}
