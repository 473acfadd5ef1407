using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ServiceTicket;

/// <summary>The variables of <c>service-ticket</c> the product sets: written by <see cref="TicketProcess"/> and the handlers.</summary>
public sealed record TicketVariables(Guid TicketId, string Number, string Group, string Subject, Guid? CounterpartyId) : IProcessVariables<TicketVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["ticketId", "number", "group", "subject", "counterpartyId"];

    /// <summary>The SLA instants the handlers compute; no task, message or variable edit may write them.</summary>
    public static IReadOnlyList<string> HandlerSet { get; } = ["reactionWarnAt", "reactionDueAt", "resolutionWarnAt", "resolutionDueAt"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["ticketId"] = TicketId.ToString(),
        ["number"] = Number,
        ["group"] = Group,
        ["subject"] = Subject,
        ["counterpartyId"] = CounterpartyId?.ToString(),
    };

    public static TicketVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("ticketId"), variables.Text("number"), variables.Text("group"), variables.Text("subject"), variables.OptionalGuid("counterpartyId"));
}
