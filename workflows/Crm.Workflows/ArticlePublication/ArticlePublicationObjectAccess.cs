using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.ArticlePublication;

/// <summary>A version under review is shown to its author and to the reviewers (process owners, compliance).</summary>
public sealed class ArticlePublicationObjectAccess : IProcessObjectAccess
{
    public string ProcessKey => ArticlePublicationProcess.Key;

    public Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.IsProcessOwner || user.Roles.Contains(Roles.Compliance) || variables.Text("author") == user.UserName);
}
