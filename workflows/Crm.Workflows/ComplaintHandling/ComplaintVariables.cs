using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>The variables of <c>complaint-handling</c> the product sets: written by <see cref="ComplaintProcess"/> and the handlers, read by the handlers.</summary>
public sealed record ComplaintVariables(Guid ComplaintId, string Number, string Kind, string Owner, string HandlingGroup, string ApproverGroup, string Subject,
    Guid? CounterpartyId) : IProcessVariables<ComplaintVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["complaintId", "number", "kind", "owner", "handlingGroup", "approverGroup", "subject", "counterpartyId"];

    /// <summary>Set by the handlers from the product's data; no task, message or variable edit may write them either.</summary>
    public static IReadOnlyList<string> HandlerSet { get; } = ["deadline", "deadlineAt", "warnAt", "decidedBy", "needsApproval"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["complaintId"] = ComplaintId.ToString(),
        ["number"] = Number,
        ["kind"] = Kind,
        ["owner"] = Owner,
        ["handlingGroup"] = HandlingGroup,
        ["approverGroup"] = ApproverGroup,
        ["subject"] = Subject,
        ["counterpartyId"] = CounterpartyId?.ToString(),
    };

    public static ComplaintVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("complaintId"), variables.Text("number"), variables.Text("kind"), variables.Text("owner"), variables.Text("handlingGroup"),
        variables.Text("approverGroup"), variables.Text("subject"), variables.OptionalGuid("counterpartyId"));
}
