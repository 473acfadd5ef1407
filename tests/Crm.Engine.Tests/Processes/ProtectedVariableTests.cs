using Crm.Modules.Counterparties;
using Crm.Modules.Knowledge;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Crm.Workflows.SalesCycle;
using Microsoft.EntityFrameworkCore;
using Xunit;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Engine.Tests.Processes;

/// <summary>
/// What the application sets for its own processes (the case, article, version, document of an instance) cannot be
/// written from outside: not by completing or handing back a task, editing variables, a message, a start or a
/// redeployed model. A task sets only what its form (or its declared writes) asks for.
/// </summary>
public abstract class ProtectedVariableTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static CurrentUser Anna => EngineHarness.User("anna", "sales");

    [Fact]
    public async Task SalesCycle_OwnerCannotPointTheirTaskAtAnotherCase_NorCanAVariableEditOrARedeploy()
    {
        RequireDatabase();
        var mine = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Moja sprawa", null, null, 1000m, "PLN", null, null, null, null), Anna, default));
        var other = await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Cudza sprawa", null, null, 5000m, "PLN", null, null, null, "marek"), Anna, default));
        var instance = (await CaseAsync(mine)).InstanceId!.Value;
        var qualify = await Engine.TaskAtAsync(instance, SalesCycleProcess.QualifyTaskId);

        var forged = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.CompleteAsync(qualify, new { decision = "lost", lostReason = "x", caseId = other.ToString() }, Anna));
        Assert.Contains("caseId", forged.Errors.Keys);
        var undeclared = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.CompleteAsync(qualify, new { decision = "continue", discount = 50 }, Anna));
        Assert.Contains("discount", undeclared.Errors.Keys);
        Assert.Equal(CaseOutcome.Open, (await CaseAsync(other)).Outcome);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<RuntimeService, InstanceView>(s =>
            s.SetVariablesAsync(instance, new() { ["caseId"] = other.ToString() }, EngineHarness.Admin, default)));

        // The next step still works: the owner's own decision moves their own case.
        await Engine.CompleteAsync(qualify, new { decision = "continue" }, Anna);
        Assert.Equal("offer", (await CaseAsync(mine)).Phase);
        Assert.Equal("qualification", (await CaseAsync(other)).Phase);

        // A process owner may redeploy the built-in process, but not let a task write what the application sets.
        var xml = await Engine.RunAsync<CrmDbContext, string>(db => db.ProcessDefinitions.Where(d => d.Key == SalesCycleProcess.Key).Select(d => d.Xml).FirstAsync());
        var widened = xml.Replace("\"lostReason\":{\"type\":\"string\",\"title\":\"Why lost\"}}}", "\"lostReason\":{\"type\":\"string\",\"title\":\"Why lost\"},\"caseId\":{\"type\":\"string\"}}}", StringComparison.Ordinal);
        Assert.NotEqual(xml, widened);
        var refused = await Assert.ThrowsAsync<BpmnValidationException>(() => Engine.DeployXmlAsync(widened));
        Assert.Contains(refused.Errors, e => e.ElementId == "qualify" && e.Message.Contains("caseId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ArticleReview_ReviewerCannotPublishAnotherVersion_ByAddingItsId()
    {
        RequireDatabase();
        var compliance = new CurrentUser(Guid.NewGuid(), "ewa", new HashSet<string> { Roles.Compliance }, new HashSet<string>());
        var reviewer = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });
        var submitted = await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.CreateAsync(new CreateArticleRequest("Submitted", "# A", "Q", null, null), compliance, default));
        var draft = await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.CreateAsync(new CreateArticleRequest("Unsubmitted draft", "# B", "Q", null, null), compliance, default));
        var draftVersion = await Engine.RunAsync<CrmDbContext, Guid>(db => db.ArticleVersions.Where(v => v.ArticleId == draft.Id).Select(v => v.Id).SingleAsync());
        await Engine.RunAsync<PublishArticle, ArticleCreated>(s => s.SubmitAsync(submitted.Id, compliance, default));
        var review = await Engine.RunAsync<CrmDbContext, UserTask>(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess && t.Status == TaskStatus.Open));
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(review.Id, reviewer, default));

        var forged = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CompleteTask, TaskView>(s =>
            s.RunAsync(review.Id, EngineHarness.Vars(new { decision = "publish", versionId = draftVersion.ToString(), articleId = draft.Id.ToString() }), reviewer, default)));
        Assert.Contains("versionId", forged.Errors.Keys);

        await Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(review.Id, EngineHarness.Vars(new { decision = "publish" }), reviewer, default));
        var published = await Engine.RunAsync<CrmDbContext, List<(Guid, Guid?)>>(async db =>
            (await db.Articles.AsNoTracking().Select(a => new { a.Id, a.PublishedVersionId }).ToListAsync()).Select(a => (a.Id, a.PublishedVersionId)).ToList());
        Assert.NotNull(published.Single(a => a.Item1 == submitted.Id).Item2);
        Assert.Null(published.Single(a => a.Item1 == draft.Id).Item2);
    }

    [Fact]
    public async Task AFormlessTask_TakesOnlyWhatItsModelDeclares()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
              <bpmn:process id="declared-writes" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plain"/>
                <bpmn:userTask id="plain" crm:assignee="anna"/>
                <bpmn:sequenceFlow id="f2" sourceRef="plain" targetRef="declared"/>
                <bpmn:userTask id="declared" crm:assignee="anna" crm:writes="approved, note"/>
                <bpmn:sequenceFlow id="f3" sourceRef="declared" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """);
        var started = await Engine.StartAsync("declared-writes");

        var plain = await Engine.TaskAtAsync(started.Id, "plain");
        Assert.Contains("approved", (await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.CompleteAsync(plain, new { approved = true }, Anna))).Errors.Keys);
        await Engine.CompleteAsync(plain, null, Anna);
        var declared = await Engine.TaskAtAsync(started.Id, "declared");
        await Engine.CompleteAsync(declared, new { approved = true, note = "ok" }, Anna);
        Assert.True((await Engine.InstanceAsync(started.Id)).Variables["approved"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ACallActivity_CannotStartABuiltInProcessWithVariablesOfItsOwn()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
              <bpmn:process id="sneaky" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="publishIt"/>
                <bpmn:callActivity id="publishIt" calledElement="kb-article-publish"/>
                <bpmn:sequenceFlow id="f2" sourceRef="publishIt" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """);

        var refused = await Assert.ThrowsAsync<Crm.Workflow.Runtime.ProcessExecutionException>(() =>
            Engine.StartAsync("sneaky", new { author = "someone-else", reviewers = "process-owners", versionId = Guid.NewGuid().ToString() }));
        Assert.Equal("publishIt", refused.ElementId);
        Assert.Equal(0, await Engine.RunAsync<CrmDbContext, int>(db => db.ProcessInstances.CountAsync(i => i.ProcessKey == ArticleService.PublishProcess)));
    }

    private Task<CrmCase> CaseAsync(Guid id) =>
        Engine.RunAsync<CrmDbContext, CrmCase>(db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == id));
}

public sealed class ProtectedVariableOnSqliteTests() : ProtectedVariableTests(DatabaseProvider.Sqlite);

public sealed class ProtectedVariableOnPostgreSqlTests() : ProtectedVariableTests(DatabaseProvider.PostgreSql);
