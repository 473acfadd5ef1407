using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.MandatoryReading;

/// <summary>The variables of <c>kb-mandatory-reading</c>: written by <see cref="MandatoryReadingProcess"/>, read by its handlers.</summary>
public sealed record ReadingVariables(Guid AssignmentId, Guid ArticleId, string Title, string Version, IReadOnlyList<string> Readers, DateTimeOffset DueAt, DateTimeOffset RemindAt)
    : IProcessVariables<ReadingVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["assignmentId", "articleId", "title", "version", "readers", "dueAt", "remindAt"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["assignmentId"] = AssignmentId.ToString(),
        ["articleId"] = ArticleId.ToString(),
        ["title"] = Title,
        ["version"] = Version,
        ["readers"] = new JsonArray([.. Readers.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["dueAt"] = DueAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["remindAt"] = RemindAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
    };

    public static ReadingVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("assignmentId"), variables.OptionalGuid("articleId") ?? Guid.Empty, variables.Text("title"), variables.Text("version"),
        variables.GetValueOrDefault("readers") is JsonArray readers ? [.. readers.Select(r => r?.ToString() ?? "")] : [],
        DateTimeOffset.TryParse(variables.Text("dueAt"), CultureInfo.InvariantCulture, out var due) ? due : default,
        DateTimeOffset.TryParse(variables.Text("remindAt"), CultureInfo.InvariantCulture, out var remind) ? remind : default);
}
