using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ArticlePublication;

/// <summary>The variables of <c>kb-article-publish</c>: written by <see cref="ArticlePublicationProcess"/>, read by its handlers.</summary>
public sealed record ArticlePublicationVariables(Guid ArticleId, Guid VersionId, string Title, string Version, string Author, string Reviewers, string? Comment = null)
    : IProcessVariables<ArticlePublicationVariables>
{
    public static IReadOnlyList<string> Names { get; } = ["articleId", "versionId", "title", "version", "author", "reviewers", "comment"];

    public Dictionary<string, JsonNode?> ToVariables() => new()
    {
        ["articleId"] = ArticleId.ToString(),
        ["versionId"] = VersionId.ToString(),
        ["title"] = Title,
        ["version"] = Version,
        ["author"] = Author,
        ["reviewers"] = Reviewers,
    };

    public static ArticlePublicationVariables Read(IReadOnlyDictionary<string, JsonNode?> variables) => new(
        variables.RequiredGuid("articleId"), variables.RequiredGuid("versionId"), variables.Text("title"), variables.Text("version"),
        variables.Text("author"), variables.Text("reviewers"), variables.GetValueOrDefault("comment")?.ToString());
}
