using Crm.Workflow.Model;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Processes.Design;
using Crm.Workflow.Tasks;
using Xunit;

namespace Crm.Engine.Tests.Design;

/// <summary>What the designer relies on: drafts that never run, lint with element ids, versions with a diff, heat map counts; and the inbox queries.</summary>
public abstract class DesignerServiceTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static string Approval(string secondName, string? extra = null) => $$$$"""
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d">
          <bpmn:process id="approval" name="Approval" isExecutable="true">
            <bpmn:startEvent id="start">
              <bpmn:extensionElements><crm:formSchema>{"type":"object","required":["amount"],"properties":{"amount":{"type":"number","minimum":1}}}</crm:formSchema></bpmn:extensionElements>
            </bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
            <bpmn:userTask id="first" name="First" crm:candidateGroups="sales" crm:dueDate="P1D"/>
            <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
            <bpmn:userTask id="second" name="{{{{secondName}}}}" crm:candidateGroups="office"/>
            <bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="end"/>
            {{{{extra}}}}
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private Task<T> Designer<T>(Func<DesignerService, Task<T>> work) => Engine.RunAsync(work);

    [Fact]
    public async Task Draft_IsSavedNotRun_AndDeployReplacesIt()
    {
        RequireDatabase();
        var broken = Approval("Second").Replace("targetRef=\"end\"", "targetRef=\"nowhere\"", StringComparison.Ordinal);
        var lint = await Designer(d => Task.FromResult(d.Lint(broken)));
        Assert.Contains(lint, e => e.ElementId == "f3" && e.Message.Contains("nowhere", StringComparison.Ordinal));

        // A draft may be invalid and is not a version.
        var draft = await Designer(d => d.SaveDraftAsync(broken, EngineHarness.Owner, default));
        Assert.Equal("approval", draft.Key);
        var opened = await Designer(d => d.OpenAsync("approval", EngineHarness.Owner, default));
        Assert.Equal(("draft", broken), (opened.Source, opened.Xml));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.StartAsync("approval"));
        var deployFails = await Assert.ThrowsAsync<BpmnValidationException>(() => Designer(d => d.DeployAsync(broken, EngineHarness.Owner, default)));
        Assert.Contains(deployFails.Errors, e => e.ElementId == "f3");
        Assert.Equal("draft", (await Designer(d => d.OpenAsync("approval", EngineHarness.Owner, default))).Source);   // nothing lost

        await Designer(d => d.DeployAsync(Approval("Second"), EngineHarness.Owner, default));
        var afterDeploy = await Designer(d => d.OpenAsync("approval", EngineHarness.Owner, default));
        Assert.Equal(("version", 1), (afterDeploy.Source, afterDeploy.Version));
        await Assert.ThrowsAsync<ForbiddenException>(() => Designer(d => d.SaveDraftAsync(broken, EngineHarness.User("anna"), default)));
    }

    [Fact]
    public async Task Versions_Diff_HeatMap_AndStartForm()
    {
        RequireDatabase();
        await Designer(d => d.DeployAsync(Approval("Second"), EngineHarness.Owner, default));
        var missing = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.StartAsync("approval"));
        Assert.Contains("amount", missing.Errors.Keys);
        var tooSmall = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.StartAsync("approval", new { amount = 0 }));
        Assert.Contains("amount", tooSmall.Errors.Keys);
        var one = await Engine.StartAsync("approval", new { amount = 5 });
        var two = await Engine.StartAsync("approval", new { amount = 7 });
        await Engine.CompleteAsync(await Engine.TaskAtAsync(two.Id, "first"), user: EngineHarness.Admin);

        await Designer(d => d.DeployAsync(Approval("Second check", "<bpmn:textAnnotation id=\"note\"/>"), EngineHarness.Owner, default));
        var versions = await Designer(d => d.VersionsAsync("approval", default));
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal((2, 2), (versions[1].Running, versions[1].Total));

        var diff = await Designer(d => d.DiffAsync("approval", 1, 2, EngineHarness.Admin, default));
        Assert.Contains(diff, c => c is { ElementId: "note", Change: ElementChange.Added });
        Assert.Contains(diff, c => c.ElementId == "second" && c.Change == ElementChange.Changed && c.Details.Any(x => x.Contains("Second check", StringComparison.Ordinal)));
        Assert.DoesNotContain(diff, c => c.ElementId == "first");

        var heat = await Designer(d => d.HeatMapAsync(versions[1].Id, default));
        Assert.Equal(2, heat.Instances);
        Assert.Equal(1, heat.Active["first"]);
        Assert.Equal(1, heat.Active["second"]);
        Assert.NotEqual(one.Id, two.Id);
    }

    [Fact]
    public async Task Inbox_CountsAndFilters()
    {
        RequireDatabase();
        await Designer(d => d.DeployAsync(Approval("Second"), EngineHarness.Owner, default));
        var anna = EngineHarness.User("anna", "sales");
        for (var i = 0; i < 3; i++)
        {
            await Engine.StartAsync("approval", new { amount = 10 + i }, businessKey: $"CASE-{i}");
        }

        var counts = await Engine.RunAsync<TaskService, InboxCounts>(s => s.CountsAsync(anna, default));
        Assert.Equal(new InboxCounts(0, 3, 0, 0), counts);
        var open = (await Engine.RunAsync<TaskService, PagedList<TaskView>>(s => s.ListAsync(new TaskQuery(null, "me", null, null, null, null, "due", null, 1, 10, Search: "CASE-1"), anna, default))).Items;
        var task = Assert.Single(open);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(task.Id, anna, default));
        await Engine.RunAsync<TaskService, TaskView>(s => s.DelegateAsync(task.Id, "marek", anna, default));
        Engine.Clock.Advance(TimeSpan.FromDays(2));

        var delegated = await Engine.RunAsync<TaskService, PagedList<TaskView>>(s => s.ListAsync(new TaskQuery(null, null, null, null, null, null, null, null, 1, 10, DelegatedByMe: true), anna, default));
        Assert.Equal(task.Id, Assert.Single(delegated.Items).Id);
        var marek = EngineHarness.User("marek", "sales");
        Assert.Equal(new InboxCounts(1, 2, 0, 1), await Engine.RunAsync<TaskService, InboxCounts>(s => s.CountsAsync(marek, default)));
        Assert.Equal(new InboxCounts(0, 2, 1, 0), await Engine.RunAsync<TaskService, InboxCounts>(s => s.CountsAsync(anna, default)));
    }
}

public sealed class DesignerServiceOnSqliteTests() : DesignerServiceTests(DatabaseProvider.Sqlite);

public sealed class DesignerServiceOnPostgreSqlTests() : DesignerServiceTests(DatabaseProvider.PostgreSql);
