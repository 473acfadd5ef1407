using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.GdprErasure;

/// <summary>An erasure in progress is for compliance officers and admins only.</summary>
public sealed class ErasureObjectAccess : IProcessObjectAccess
{
    public string ProcessKey => ErasureProcess.Key;

    public Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.IsAdmin || user.Roles.Contains(Roles.Compliance));
}
