using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.SalesCycle;

/// <summary>The variables of <c>sales-cycle</c>: written by <see cref="SalesCycleProcess"/>, read by its handlers.</summary>
public sealed record SalesCycleVariables(Guid CaseId, string Owner, string Title, Guid? CounterpartyId, string? LostReason = null) : IProcessVariables<SalesCycleVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["caseId", "owner", "title", "counterpartyId", "lostReason"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["caseId"] = CaseId.ToString(),
        ["owner"] = Owner,
        ["title"] = Title,
        ["counterpartyId"] = CounterpartyId?.ToString(),
    };

    public static SalesCycleVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("caseId"), variables.Text("owner"), variables.Text("title"), variables.OptionalGuid("counterpartyId"),
        variables.GetValueOrDefault("lostReason")?.ToString());
}
