using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.ArticlePublication;

/// <summary>Four eyes: the author of an article version may not review it, even as a reviewer (claim or complete).</summary>
public sealed class FourEyes : ITaskCompletionGuard
{
    public string? RefuseInboxCompletion(UserTask task) => null;

    public string? RefuseWorker(UserTask task, CurrentUser user, IReadOnlyDictionary<string, JsonNode?> variables) =>
        task.ProcessKey == ArticlePublicationProcess.Key && task.ElementId == ArticlePublicationProcess.ReviewTaskId && variables.Text("author") == user.UserName
            ? "Four eyes: you wrote this version, so someone else reviews it."
            : null;
}
