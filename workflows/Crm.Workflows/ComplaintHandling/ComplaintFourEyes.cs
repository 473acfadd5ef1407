using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>Four eyes: whoever decided a complaint may not approve that decision, even as a member of the approver group.</summary>
public sealed class ComplaintFourEyes : ITaskCompletionGuard
{
    public string? RefuseInboxCompletion(UserTask task) => null;

    public string? RefuseWorker(UserTask task, CurrentUser user, IReadOnlyDictionary<string, JsonNode?> variables) =>
        task.ProcessKey == ComplaintProcess.Key && task.ElementId == ComplaintProcess.ApproveTaskId && variables.Text("decidedBy") == user.UserName
            ? "Four eyes: you decided this complaint, so someone else approves it."
            : null;
}
