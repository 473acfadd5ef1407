using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.MandatoryReading;

/// <summary>A reading's values are shown to its readers and to those who follow readings (process owners, compliance).</summary>
public sealed class ReadingObjectAccess : IProcessObjectAccess
{
    public string ProcessKey => MandatoryReadingProcess.Key;

    public Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.IsProcessOwner || user.Roles.Contains(Roles.Compliance)
            || (variables.GetValueOrDefault("readers") is JsonArray readers && readers.Any(r => r?.ToString() == user.UserName)));
}
