using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows;

/// <summary>Reads typed values out of an instance's variables for the processes' variable records.</summary>
internal static class ProcessVariableReader
{
    public static Guid RequiredGuid(this IReadOnlyDictionary<string, JsonNode?> variables, string name) =>
        Guid.TryParse(variables.GetValueOrDefault(name)?.ToString(), out var id) ? id : throw new ServiceTaskFailedException($"The process has no valid '{name}'.");

    public static Guid? OptionalGuid(this IReadOnlyDictionary<string, JsonNode?> variables, string name) =>
        Guid.TryParse(variables.GetValueOrDefault(name)?.ToString(), out var id) ? id : null;

    public static string Text(this IReadOnlyDictionary<string, JsonNode?> variables, string name) =>
        variables.GetValueOrDefault(name)?.ToString() ?? "";
}
