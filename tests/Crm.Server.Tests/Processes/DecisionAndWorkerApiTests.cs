using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Processes;

/// <summary>/api/decisions and /api/external-tasks over HTTP: who may call them, problem details, and a worker's whole round.</summary>
public sealed class DecisionAndWorkerApiTests : IAsyncLifetime
{
    private const string Dmn = """
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="Fees" namespace="urn:fees">
          <decision id="fee" name="Fee">
            <decisionTable id="t" hitPolicy="COLLECT" aggregation="SUM">
              <input id="i" label="Weight"><inputExpression typeRef="number"><text>weight</text></inputExpression></input>
              <output id="o" name="fee" typeRef="number"/>
              <rule id="base"><inputEntry><text>-</text></inputEntry><outputEntry><text>10</text></outputEntry></rule>
              <rule id="heavy"><inputEntry><text>&gt; 20</text></inputEntry><outputEntry><text>15</text></outputEntry></rule>
            </decisionTable>
          </decision>
        </definitions>
        """;

    private const string Process = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="urn:p" id="p">
          <process id="parcel" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="price"/>
            <businessRuleTask id="price" camunda:decisionRef="fee" camunda:resultVariable="fee" camunda:mapDecisionResult="singleEntry"/>
            <sequenceFlow id="f2" sourceRef="price" targetRef="label"/>
            <serviceTask id="label" camunda:type="external" camunda:topic="labels"/>
            <sequenceFlow id="f3" sourceRef="label" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """;

    private static readonly string[] WorkerRole = ["external-worker"];

    private readonly TestDatabase _database = TestDatabase.Create(DatabaseProvider.Sqlite);
    private CrmAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new CrmAppFactory(_database);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/xml");

    [Fact]
    public async Task Decisions_OwnersDeployAndTest_StaffMayNot_BadFilesGetProblemDetailsNamingTheRule()
    {
        using var anna = await _app.CreateClientAsAsync("anna");
        using var piotr = await _app.CreateClientAsAsync("piotr");
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsync("/api/decisions", Xml(Dmn))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/decisions")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await piotr.PostAsync("/api/decisions", Xml(Dmn))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await piotr.PostAsync("/api/decisions", Xml(Dmn))).StatusCode);   // unchanged

        var tested = await piotr.PostAsJsonAsync("/api/decisions/fee/evaluate", new { variables = new { weight = 25 } });
        var outcome = await tested.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(25, outcome.GetProperty("result").GetDecimal());
        Assert.Equal(["base", "heavy"], outcome.GetProperty("matchedRules").EnumerateArray().Select(r => r.GetString()));

        var broken = await piotr.PostAsync("/api/decisions", Xml(Dmn.Replace("&gt; 20", "[20..", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
        var problem = await broken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("elementId").GetString() == "heavy");
        Assert.Equal(HttpStatusCode.NotFound, (await piotr.GetAsync("/api/decisions/nope")).StatusCode);
    }

    [Fact]
    public async Task AWorkerAccount_FetchesAndCompletes_StaffCannot_AndTheDecisionRanBefore()
    {
        using var admin = await _app.CreateClientAsAsync("admin");
        (await admin.PostAsJsonAsync("/api/users", new { userName = "label-printer", displayName = "Label printer", password = "Printer-Pass-2026!", roles = WorkerRole })).EnsureSuccessStatusCode();
        using var worker = await _app.CreateClientAsAsync("label-printer", "Printer-Pass-2026!");
        using var piotr = await _app.CreateClientAsAsync("piotr");
        using var anna = await _app.CreateClientAsAsync("anna");
        (await piotr.PostAsync("/api/decisions", Xml(Dmn))).EnsureSuccessStatusCode();
        (await piotr.PostAsync("/api/process-definitions", Xml(Process))).EnsureSuccessStatusCode();
        var started = await (await piotr.PostAsJsonAsync("/api/process-instances", new { processKey = "parcel", variables = new { weight = 3 } })).Content.ReadFromJsonAsync<JsonElement>();
        var instanceId = started.GetProperty("id").GetString();

        var fetch = new { workerId = "printer-1", maxTasks = 5, topics = new[] { new { topicName = "labels", lockDuration = 60_000, variables = new[] { "fee", "weight" } } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync("/api/external-tasks/fetch-and-lock", fetch)).StatusCode);
        var locked = (await (await worker.PostAsJsonAsync("/api/external-tasks/fetch-and-lock", fetch)).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single();
        Assert.Equal(10, locked.GetProperty("variables").GetProperty("fee").GetDecimal());   // the decision ran first: base fee only
        var id = locked.GetProperty("id").GetString();
        var wrongWorker = await worker.PostAsJsonAsync($"/api/external-tasks/{id}/complete", new { workerId = "printer-2" });
        Assert.Equal(HttpStatusCode.Conflict, wrongWorker.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await worker.PostAsJsonAsync($"/api/external-tasks/{id}/complete", new { workerId = "printer-1", variables = new { labelPrinted = true } })).StatusCode);

        var instance = await (await piotr.GetAsync($"/api/process-instances/{instanceId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Completed", instance.GetProperty("state").GetString());
        var history = await (await piotr.GetAsync($"/api/decisions/history?instanceId={instanceId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("price", history.EnumerateArray().Single().GetProperty("elementId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await worker.PostAsync("/api/process-definitions", Xml(Process))).StatusCode);   // a worker deploys nothing
        var elsewhere = await worker.GetAsync("/api/tasks");                                                                       // and sees nothing else
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal("application/problem+json", elsewhere.Content.Headers.ContentType?.MediaType);
    }
}
