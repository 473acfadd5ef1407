using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.GdprErasure;

/// <summary>The variables of <c>gdpr-erasure</c>: the product's (protected) and the approver's answer (decision, comment, documentsDecision).</summary>
public sealed record ErasureVariables(Guid ErasureId, string PersonLabel, string RequestedBy, string Reason, string Approvers, string Documents,
    string? Comment = null, string? DocumentsDecision = null) : IProcessVariables<ErasureVariables>
{
    /// <summary>Set by the product when the request is made; a task form cannot change them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["erasureId", "personLabel", "requestedBy", "reason", "approvers", "documents"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["erasureId"] = ErasureId.ToString(),
        ["personLabel"] = PersonLabel,
        ["requestedBy"] = RequestedBy,
        ["reason"] = Reason,
        ["approvers"] = Approvers,
        ["documents"] = Documents,
    };

    public static ErasureVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("erasureId"), variables.Text("personLabel"), variables.Text("requestedBy"), variables.Text("reason"),
        variables.Text("approvers"), variables.Text("documents"), variables.GetValueOrDefault("comment")?.ToString(),
        variables.GetValueOrDefault("documentsDecision")?.ToString());
}
