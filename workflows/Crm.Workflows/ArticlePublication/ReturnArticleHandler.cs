using System.Text.Json.Nodes;
using Crm.Modules.Knowledge;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ArticlePublication;

/// <summary>The reviewer returned the version: the author edits and submits again.</summary>
[ServiceTaskHandler("crm.kb.return", DisplayName = "Return an article to its author", Category = "Knowledge base",
    Description = "Marks 'versionId' returned with the reviewer's 'comment'; the author edits and submits again.")]
public sealed class ReturnArticleHandler(PublishArticle publication) : ServiceTaskHandler<ArticlePublicationVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ArticlePublicationVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await publication.ReturnAsync(variables.VersionId, context.UserName ?? "system", variables.Comment, cancellationToken);
        return null;
    }
}
