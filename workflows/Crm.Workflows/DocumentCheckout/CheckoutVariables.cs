using System.Text.Json.Nodes;
using Crm.Platform.Common;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>The variables of <c>document-checkout</c>: written by <see cref="CheckoutProcess"/>, read by its handlers.</summary>
public sealed record CheckoutVariables(Guid DocumentId, string Title, string Holder, Guid FolderId, string RemindAfter, string LockLimit,
    string? Ip = null, string? Client = null) : IProcessVariables<CheckoutVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["documentId", "title", "holder", "folderId", "remindAfter", "lockLimit", "ip", "client"];

    /// <summary>Where the holder's last action came from (check-in or cancel), for the register.</summary>
    public AccessContext From => new(Ip, Client);

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["documentId"] = DocumentId.ToString(),
        ["title"] = Title,
        ["holder"] = Holder,
        ["folderId"] = FolderId.ToString(),
        ["remindAfter"] = RemindAfter,
        ["lockLimit"] = LockLimit,
    };

    public static CheckoutVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        Guid.TryParse(variables.GetValueOrDefault("documentId")?.ToString(), out var id) ? id : throw new ServiceTaskFailedException("The process has no documentId."),
        variables.GetValueOrDefault("title")?.ToString() ?? "",
        variables.GetValueOrDefault("holder")?.ToString() ?? "",
        Guid.TryParse(variables.GetValueOrDefault("folderId")?.ToString(), out var folder) ? folder : Guid.Empty,
        variables.GetValueOrDefault("remindAfter")?.ToString() ?? "",
        variables.GetValueOrDefault("lockLimit")?.ToString() ?? "",
        variables.GetValueOrDefault("ip")?.ToString(),
        variables.GetValueOrDefault("client")?.ToString());
}
