using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Processes;

/// <summary>The fixed process and task routes, end to end over HTTP with bearer tokens.</summary>
public sealed class ProcessApiTests : IAsyncLifetime
{
    private const string Approval = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="approval" name="Approval" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
            <bpmn:userTask id="review" name="Review" crm:candidateGroups="sales" crm:writes="approved"/>
            <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
            <bpmn:exclusiveGateway id="gw" default="no"/>
            <bpmn:sequenceFlow id="yes" sourceRef="gw" targetRef="ok"><bpmn:conditionExpression>${approved}</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="no" sourceRef="gw" targetRef="rejected"/>
            <bpmn:endEvent id="ok"/>
            <bpmn:endEvent id="rejected"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

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
    public async Task Deploy_AsStaff_IsForbidden()
    {
        using var anna = await _app.CreateClientAsAsync("anna");

        var response = await anna.PostAsync("/api/process-definitions", Xml(Approval));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Deploy_InvalidModel_Returns400ListingElementIds()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        var broken = Approval.Replace("<bpmn:sequenceFlow id=\"no\" sourceRef=\"gw\" targetRef=\"rejected\"/>", "<bpmn:sequenceFlow id=\"no\" sourceRef=\"gw\" targetRef=\"nowhere\"/>", StringComparison.Ordinal)
            .Replace("${approved}", "${approved ===}", StringComparison.Ordinal);

        var response = await piotr.PostAsync("/api/process-definitions", Xml(broken));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("elementId").GetString()).ToList();
        Assert.Contains("no", ids);
        Assert.Contains("yes", ids);
        Assert.Contains("rejected", ids);   // now unreachable
        Assert.Equal(HttpStatusCode.NotFound, (await piotr.GetAsync("/api/process-definitions/approval")).StatusCode);
    }

    [Fact]
    public async Task DeployStartClaimComplete_OverHttp()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        using var anna = await _app.CreateClientAsAsync("anna");
        using var jan = await _app.CreateClientAsAsync("jan");

        var deployed = await piotr.PostAsync("/api/process-definitions", Xml(Approval));
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        Assert.Equal(1, (await deployed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await piotr.PostAsync("/api/process-definitions", Xml(Approval))).StatusCode);
        Assert.Equal(Approval, await piotr.GetStringAsync("/api/process-definitions/approval/versions/1/xml"));

        var started = await anna.PostAsJsonAsync("/api/process-instances", new { processKey = "approval", businessKey = "REQ-7", variables = new { amount = 1200 } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instance = await started.Content.ReadFromJsonAsync<JsonElement>();
        var instanceId = instance.GetProperty("id").GetString();
        Assert.Equal("review", instance.GetProperty("activeElementIds")[0].GetString());
        Assert.Equal("review", instance.GetProperty("openTasks")[0].GetProperty("elementId").GetString());

        var claimable = await anna.GetFromJsonAsync<JsonElement>("/api/tasks?candidate=me&processKey=approval");
        var taskId = claimable.GetProperty("items")[0].GetProperty("id").GetString();
        Assert.Equal(0, (await jan.GetFromJsonAsync<JsonElement>("/api/tasks?processKey=approval")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jan.GetAsync($"/api/process-instances/{instanceId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { approved = true } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anna.PostAsync($"/api/tasks/{taskId}/claim", null)).StatusCode);
        var completed = await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { approved = true } });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { approved = true } })).StatusCode);

        var final = await anna.GetFromJsonAsync<JsonElement>($"/api/process-instances/{instanceId}");
        Assert.Equal("Completed", final.GetProperty("state").GetString());
        var history = await anna.GetFromJsonAsync<JsonElement>($"/api/process-instances/{instanceId}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "ElementEntered" && e.GetProperty("elementId").GetString() == "ok");
        var listed = await piotr.GetFromJsonAsync<JsonElement>("/api/process-instances?processKey=approval&state=completed&businessKey=REQ-7");
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task WaitingInstance_SurvivesServerRestart_AndCompletesAfterIt()
    {
        Guid taskId;
        using (var piotr = await _app.CreateClientAsAsync("piotr"))
        {
            await piotr.PostAsync("/api/process-definitions", Xml(Approval));
            var started = await (await piotr.PostAsJsonAsync("/api/process-instances", new { processKey = "approval", businessKey = "RESTART-1" }))
                .Content.ReadFromJsonAsync<JsonElement>();
            taskId = started.GetProperty("openTasks")[0].GetProperty("id").GetGuid();
        }

        // The process is stopped while the instance waits; a new server on the same database carries on.
        await _app.DisposeAsync();
        _app = new CrmAppFactory(_database);
        using var anna = await _app.CreateClientAsAsync("anna");
        Assert.Equal(HttpStatusCode.OK, (await anna.PostAsync($"/api/tasks/{taskId}/claim", null)).StatusCode);
        var completed = await anna.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { variables = new { approved = false } });

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var instances = await anna.GetFromJsonAsync<JsonElement>("/api/process-instances?businessKey=RESTART-1");
        Assert.Equal("Completed", instances.GetProperty("items")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Deploy_OversizedFile_IsRefusedWithProblem()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(new byte[6 * 1024 * 1024]), "file", "huge.bpmn");

        var response = await piotr.PostAsync("/api/process-definitions", form);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await piotr.GetAsync("/api/process-definitions/huge")).StatusCode);
    }

    [Fact]
    public async Task Deploy_AsMultipartFile_Works()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Approval.Replace("Approval", "Approval (upload)", StringComparison.Ordinal)));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "approval.bpmn");

        var response = await piotr.PostAsync("/api/process-definitions", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Approval (upload)", (await piotr.GetFromJsonAsync<JsonElement>("/api/process-definitions/approval")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Start_UnknownProcess_Returns404Problem_AndFailingStepReturns422WithElement()
    {
        using var piotr = await _app.CreateClientAsAsync("piotr");
        var unknown = await piotr.PostAsJsonAsync("/api/process-instances", new { processKey = "nope" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        await piotr.PostAsync("/api/process-definitions", Xml(Approval.Replace("<bpmn:userTask id=\"review\" name=\"Review\" crm:candidateGroups=\"sales\" crm:writes=\"approved\"/>",
            "<bpmn:scriptTask id=\"review\" scriptFormat=\"javascript\"><bpmn:script>missingVariable + 1</bpmn:script></bpmn:scriptTask>", StringComparison.Ordinal)));
        var failing = await piotr.PostAsJsonAsync("/api/process-instances", new { processKey = "approval" });

        Assert.Equal((HttpStatusCode)422, failing.StatusCode);
        var problem = await failing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("review", problem.GetProperty("elementId").GetString());
    }

    [Fact]
    public async Task Messages_NothingWaiting_Is404Problem_WaitingReceiveTaskContinues_IncidentsNeedOwner()
    {
        using var owner = await _app.CreateClientAsAsync("admin");
        using var anna = await _app.CreateClientAsAsync("anna");
        (await owner.PostAsync("/api/process-definitions", Xml("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0">
              <bpmn:message id="m" name="signed-contract" crm:correlationKey="${contract}"/>
              <bpmn:process id="contract" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="signed"/>
                <bpmn:receiveTask id="signed" messageRef="m"/>
                <bpmn:sequenceFlow id="f2" sourceRef="signed" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """))).EnsureSuccessStatusCode();
        var started = await (await owner.PostAsJsonAsync("/api/process-instances", new { processKey = "contract", variables = new { contract = "K-7" } })).Content.ReadFromJsonAsync<JsonElement>();

        var missing = await anna.PostAsJsonAsync("/api/messages", new { name = "signed-contract", correlationKey = "K-8" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("signed-contract", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var delivered = await anna.PostAsJsonAsync("/api/messages", new { name = "signed-contract", correlationKey = "K-7", variables = new { signedBy = "ACME" } });
        delivered.EnsureSuccessStatusCode();
        var instance = await (await owner.GetAsync($"/api/process-instances/{started.GetProperty("id").GetString()}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Completed", instance.GetProperty("state").GetString());
        Assert.Equal("ACME", instance.GetProperty("variables").GetProperty("signedBy").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/incidents")).StatusCode);
    }
}
