using CampaignFlows = Crm.Workflows.Campaigns;
using System.Reflection;
using System.Xml.Linq;
using Crm.Workflow.Runtime;
using Crm.Workflows;
using Crm.Workflows.ArticlePublication;
using Crm.Workflows.ComplaintHandling;
using Crm.Workflows.DocumentCheckout;
using Crm.Workflows.MandatoryReading;
using Crm.Workflows.SalesCycle;
using Crm.Workflows.ServiceTicket;
using Crm.Workflows.GdprErasure;
using Xunit;

namespace Crm.Engine.Tests.Processes;

/// <summary>
/// Each built-in process is a feature folder: its .bpmn, its handlers, its starter and its variables record.
/// What the code names (process key, element ids, handler types, variables) must exist in the model beside
/// it, and every handler the model calls must live in that folder, so an edit on either side is caught here.
/// </summary>
public sealed class BuiltInProcessTests
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Crm = "http://workflow-crm.org/schema/bpmn/1.0";

    public static TheoryData<string, string, string[], Type> Processes => new()
    {
        { "DocumentCheckout", CheckoutProcess.Key, [CheckoutProcess.CheckInTaskId], typeof(CheckoutVariables) },
        { "ArticlePublication", ArticlePublicationProcess.Key, [ArticlePublicationProcess.ReviewTaskId], typeof(ArticlePublicationVariables) },
        { "MandatoryReading", MandatoryReadingProcess.Key, [MandatoryReadingProcess.ReadTaskId], typeof(ReadingVariables) },
        { "SalesCycle", SalesCycleProcess.Key, [SalesCycleProcess.QualifyTaskId], typeof(SalesCycleVariables) },
        { "ComplaintHandling", ComplaintProcess.Key, [ComplaintProcess.AnalyseTaskId, ComplaintProcess.DecideTaskId, ComplaintProcess.ApproveTaskId, ComplaintProcess.AnswerTaskId,
            ComplaintProcess.ResolveTaskId], typeof(ComplaintVariables) },
        { "ServiceTicket", TicketProcess.Key, [TicketProcess.RespondTaskId, TicketProcess.WorkTaskId], typeof(TicketVariables) },
        { "GdprErasure", ErasureProcess.Key, [ErasureProcess.ApproveTaskId], typeof(ErasureVariables) },
    };

    [Theory]
    [MemberData(nameof(Processes))]
    public void TheCodeAndTheModelOfAProcess_NameTheSameThings(string folder, string key, string[] elementIds, Type variables)
    {
        var model = Load(folder);
        var process = Assert.Single(model.Descendants(Bpmn + "process"));
        Assert.Equal(key, (string?)process.Attribute("id"));

        var ids = model.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.All(elementIds, id => Assert.Contains(id, ids));

        // Handlers: the model calls exactly the handlers of its folder (one class each, registered).
        var called = model.Descendants(Bpmn + "serviceTask").Select(t => (string?)t.Attribute(Crm + "handler")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var inFolder = typeof(WorkflowSetup).Assembly.GetTypes()
            .Where(t => t.Namespace == $"Crm.Workflows.{folder}" && t.GetCustomAttribute<ServiceTaskHandlerAttribute>() is not null)
            .ToDictionary(t => t.GetCustomAttribute<ServiceTaskHandlerAttribute>()!.Type, t => t);
        Assert.Equal(called.Order(), inFolder.Keys.Order());

        // Typed handlers read this folder's variables record; every ${variable} the model uses is either in the
        // record or set on the way (task forms, handler outputs, loop variables).
        Assert.All(inFolder.Values.Where(t => t.BaseType is { IsGenericType: true }), t => Assert.Equal(variables, t.BaseType!.GetGenericArguments()[0]));
        var names = (IReadOnlyList<string>)variables.GetProperty("Names", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var outputs = inFolder.Values.SelectMany(t => t.GetCustomAttributes<HandlerOutputAttribute>()).Select(o => o.Name);
        var setOnTheWay = new HashSet<string>(["decision", "comment", "outcome", "reader", "managers", "action", "file", "ip", "client", "lostReason", .. outputs], StringComparer.Ordinal);
        var used = System.Text.RegularExpressions.Regex.Matches(model.ToString(), @"\$\{\s*([A-Za-z_]\w*)").Select(m => m.Groups[1].Value).Distinct();
        Assert.All(used, name => Assert.True(names.Contains(name) || setOnTheWay.Contains(name), $"${{{name}}} in {folder} is neither in {variables.Name} nor set by a step"));
    }

    [Fact]
    public void EveryBuiltInModel_IsAFeatureFolderListedHere()
    {
        var folders = typeof(WorkflowSetup).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".bpmn", StringComparison.Ordinal))
            .Select(n => n.Split('.')[2]).Order().ToList();
        Assert.Equal(["ArticlePublication", "Campaigns", "Campaigns", "ComplaintHandling", "DocumentCheckout", "GdprErasure", "MandatoryReading", "SalesCycle", "ServiceTicket"], folders);
    }

    /// <summary>The campaign folder holds two models (the campaign and one member's actions): together they call its handlers and use their records' variables.</summary>
    [Fact]
    public void TheCampaignModels_CallTheFoldersHandlers_AndUseTheirVariables()
    {
        var assembly = typeof(WorkflowSetup).Assembly;
        XDocument Model(string key) => XDocument.Load(assembly.GetManifestResourceStream($"Crm.Workflows.Campaigns.{key}.bpmn")!);
        var actions = Model(CampaignFlows.CampaignProcess.Key);
        var member = Model(CampaignFlows.CampaignProcess.MemberKey);
        Assert.Equal(CampaignFlows.CampaignProcess.Key, (string?)Assert.Single(actions.Descendants(Bpmn + "process")).Attribute("id"));
        Assert.Equal(CampaignFlows.CampaignProcess.MemberKey, (string?)Assert.Single(member.Descendants(Bpmn + "process")).Attribute("id"));
        HashSet<string> Ids(XDocument model) => model.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Contains(CampaignFlows.CampaignProcess.ApproveTaskId, Ids(actions));
        Assert.Contains(CampaignFlows.CampaignProcess.EvaluateTaskId, Ids(actions));
        Assert.Contains(CampaignFlows.CampaignProcess.ContactTaskId, Ids(member));

        HashSet<string> Called(XDocument model) => model.Descendants(Bpmn + "serviceTask").Select(t => (string?)t.Attribute(Crm + "handler")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var handlers = assembly.GetTypes().Where(t => t.Namespace == "Crm.Workflows.Campaigns" && t.GetCustomAttribute<ServiceTaskHandlerAttribute>() is not null).ToList();
        var forAnyProcess = typeof(CampaignFlows.AddCampaignRecipientsHandler).GetCustomAttribute<ServiceTaskHandlerAttribute>()!.Type;
        Assert.Equal(handlers.Select(t => t.GetCustomAttribute<ServiceTaskHandlerAttribute>()!.Type).Where(h => h != forAnyProcess).Order(), Called(actions).Concat(Called(member)).Order());

        var outputs = handlers.SelectMany(t => t.GetCustomAttributes<HandlerOutputAttribute>()).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        void UsesOnly(XDocument model, IEnumerable<string> known)
        {
            var names = known.Concat(outputs).ToHashSet(StringComparer.Ordinal);
            var used = System.Text.RegularExpressions.Regex.Matches(model.ToString(), @"\$\{\s*([A-Za-z_]\w*)").Select(m => m.Groups[1].Value).Distinct();
            Assert.All(used, name => Assert.True(names.Contains(name), $"${{{name}}} is neither a variable of the process nor set by a step"));
        }

        UsesOnly(actions, CampaignFlows.CampaignVariables.Names);
        UsesOnly(member, [.. CampaignFlows.MemberVariables.Names, .. CampaignFlows.MemberVariables.HandlerSet]);
    }

    private static XDocument Load(string folder)
    {
        var assembly = typeof(WorkflowSetup).Assembly;
        var name = Assert.Single(assembly.GetManifestResourceNames(), n => n.StartsWith($"Crm.Workflows.{folder}.", StringComparison.Ordinal) && n.EndsWith(".bpmn", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        return XDocument.Load(stream);
    }
}
