using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.GdprErasure;

/// <summary>Four eyes: whoever asked for an erasure may not approve it, even as a member of the approvers' group.</summary>
public sealed class ErasureFourEyes : ITaskCompletionGuard
{
    public string? RefuseInboxCompletion(UserTask task) => null;

    public string? RefuseWorker(UserTask task, CurrentUser user, IReadOnlyDictionary<string, JsonNode?> variables) =>
        task.ProcessKey == ErasureProcess.Key && task.ElementId == ErasureProcess.ApproveTaskId && variables.Text("requestedBy") == user.UserName
            ? "Four eyes: you asked for this erasure, so someone else approves it."
            : null;
}
