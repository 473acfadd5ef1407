using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Modules.Documents.Checkout;
using Crm.Modules.Knowledge;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;
using Crm.Workflows.DocumentCheckout;
using Microsoft.EntityFrameworkCore;
using Xunit;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Engine.Tests.Processes;

/// <summary>The smaller holes of round 1, each closed with its next step still working.</summary>
public abstract class GuardTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Compliance = new(Guid.NewGuid(), "ewa", new HashSet<string> { Roles.Compliance }, new HashSet<string> { "compliance" });
    private static readonly CurrentUser Reviewer = new(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });

    [Fact]
    public async Task FourEyes_TheAuthorCannotReviewTheirOwnArticle_AnotherReviewerCan()
    {
        RequireDatabase();
        var article = await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.CreateAsync(new CreateArticleRequest("Own work", "# Mine", "Q", null, null), Compliance, default));
        await Engine.RunAsync<PublishArticle, ArticleCreated>(s => s.SubmitAsync(article.Id, Compliance, default));
        var review = await Engine.RunAsync<CrmDbContext, UserTask>(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess && t.Status == TaskStatus.Open));

        var own = await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(review.Id, Compliance, default)));
        Assert.Contains("Four eyes", own.Message, StringComparison.Ordinal);
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(review.Id, Reviewer, default));
        await Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(review.Id, EngineHarness.Vars(new { decision = "publish" }), Reviewer, default));
        Assert.NotNull(await Engine.RunAsync<CrmDbContext, Guid?>(db => db.Articles.Where(a => a.Id == article.Id).Select(a => a.PublishedVersionId).SingleAsync()));
    }

    [Fact]
    public async Task ABuiltInInstance_IsNotCancelledFromTheInstanceList_ItsModuleEndsIt()
    {
        RequireDatabase();
        var folder = await Engine.RunAsync<FolderService, FolderView>(s => s.CreateAsync(new CreateFolderRequest("Guarded", null), EngineHarness.Admin, default));
        await Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetFolderPermissionsAsync(folder.Id,
            [new PermissionEntry("group", "sales", ["read", "download", "write"])], EngineHarness.Admin, AccessContext.Internal, default));
        var anna = EngineHarness.User("anna", "sales");
        var stored = await Engine.RunAsync<DocumentService, StoredFile>(s => s.StoreAsync(new UploadedFile("a.txt", new MemoryStream("v1"u8.ToArray())), default));
        var document = (await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateAsync(new CreateDocumentRequest(folder.Id, "A", null), stored, anna, AccessContext.Internal, default))).Id;
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, anna, AccessContext.Internal, default));
        var instance = await Engine.RunAsync<CrmDbContext, Guid>(db => db.ProcessInstances.Where(i => i.ProcessKey == CheckoutProcess.Key).Select(i => i.Id).SingleAsync());

        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(instance, anna, default)));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<RuntimeService, StartedInstance>(s => s.CancelAsync(instance, EngineHarness.Admin, default)));
        Assert.Equal("anna", (await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, anna, AccessContext.Internal, default))).LockedBy);

        // The module's way ends it, and the document is free again.
        await Engine.RunAsync<ForceUnlock, DocumentView>(s => s.RunAsync(document, EngineHarness.Admin, AccessContext.Internal, default));
        Assert.Equal("Cancelled", (await Engine.InstanceAsync(instance)).State);
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, anna, AccessContext.Internal, default));
    }

    [Fact]
    public async Task AnInternalError_InAStep_IsNotShownToTheCaller()
    {
        RequireDatabase();
        await Engine.DeployXmlAsync("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" id="d" targetNamespace="t">
              <bpmn:process id="crashing" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="crash"/>
                <bpmn:serviceTask id="crash" crm:handler="test.crash"/>
                <bpmn:sequenceFlow id="f2" sourceRef="crash" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """);

        var failed = await Assert.ThrowsAsync<ProcessExecutionException>(() => Engine.StartAsync("crashing"));
        Assert.Equal("crash", failed.ElementId);
        Assert.DoesNotContain("password", failed.Message, StringComparison.Ordinal);
        Assert.Contains("internal error", failed.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(failed.InnerException);   // kept for the server log
    }

    [Fact]
    public async Task CasesAndContacts_NameOnlyVisiblePersonsAndRealUsers()
    {
        RequireDatabase();
        var north = EngineHarness.User("anna", "north");
        var south = EngineHarness.User("jan", "south");
        var manager = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());
        var southCompany = await Engine.RunAsync<CounterpartyService, Guid>(s => s.CreateAsync(new CreateCounterpartyRequest("company", "Południe sp. z o.o.", null, null, null, null,
            null, null, null, null, "south", null, null, null, "PLN", null, null, null), manager, default));
        var southPerson = await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreatePersonAsync(new CreatePersonRequest(southCompany, "Jan", "Południowy", null, null, null, null, null), manager, default));

        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<CaseService, Guid>(s =>
            s.CreateAsync(new CreateCaseRequest("Cudza osoba", null, southPerson, 10m, "PLN", null, null, null, null), north, default)));
        var ghost = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CaseService, Guid>(s =>
            s.CreateAsync(new CreateCaseRequest("Duch", null, null, 10m, "PLN", null, null, null, "nobody-here"), north, default)));
        Assert.Contains("owner", ghost.Errors.Keys);
        var forOther = await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.RunAsync<CrmActivityService, Guid>(s =>
            s.CreateActivityAsync(new CreateActivityRequest(southCompany, "call", "out", null, 5, "Telefon", null, "done", null, null, null, "marek"), south, default)));
        Assert.Contains("employee", forOther.Errors.Keys);

        // Their own, visible work goes through.
        await Engine.RunAsync<CaseService, Guid>(s => s.CreateAsync(new CreateCaseRequest("Swoja sprawa", southCompany, southPerson, 10m, "PLN", null, null, null, null), south, default));
        await Engine.RunAsync<CrmActivityService, Guid>(s => s.CreateActivityAsync(new CreateActivityRequest(southCompany, "call", "out", null, 5, "Telefon", null, "done", null, null, null, null), south, default));
    }

    [Fact]
    public void AModel_ShownToSomeoneWhoIsNotAProcessOwner_IsTheDiagramOnly()
    {
        const string Xml = """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d" targetNamespace="t">
              <bpmn:process id="p" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"><bpmn:conditionExpression>${secretThreshold &gt; 5}</bpmn:conditionExpression></bpmn:sequenceFlow>
                <bpmn:scriptTask id="calc" name="Calculate" scriptFormat="javascript"><bpmn:script>var apiKey = 'sk-live-123';</bpmn:script></bpmn:scriptTask>
                <bpmn:userTask id="ask" name="Ask" crm:assignee="${boss}"><bpmn:extensionElements><crm:formSchema>{"type":"object"}</crm:formSchema></bpmn:extensionElements></bpmn:userTask>
              </bpmn:process>
              <bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="plane" bpmnElement="p"><bpmndi:BPMNShape id="calc_di" bpmnElement="calc"/></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
        var staff = DiagramXml.For(Xml, EngineHarness.User("anna", "sales"));
        Assert.DoesNotContain("sk-live", staff, StringComparison.Ordinal);
        Assert.DoesNotContain("secretThreshold", staff, StringComparison.Ordinal);
        Assert.DoesNotContain("formSchema", staff, StringComparison.Ordinal);
        Assert.DoesNotContain("${boss}", staff, StringComparison.Ordinal);
        Assert.Contains("calc_di", staff, StringComparison.Ordinal);
        Assert.Contains("Calculate", staff, StringComparison.Ordinal);
        Assert.Equal(Xml, DiagramXml.For(Xml, Reviewer));
    }
}

public sealed class GuardOnSqliteTests() : GuardTests(DatabaseProvider.Sqlite);

public sealed class GuardOnPostgreSqlTests() : GuardTests(DatabaseProvider.PostgreSql);
