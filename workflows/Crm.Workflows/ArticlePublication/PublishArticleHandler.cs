using System.Text.Json.Nodes;
using Crm.Modules.Knowledge;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ArticlePublication;

/// <summary>The reviewer published: the version becomes visible; a new major version starts the article's readings again.</summary>
[ServiceTaskHandler("crm.kb.publish", DisplayName = "Publish an article version", Category = "Knowledge base",
    Description = "Publishes 'versionId' (reviewer = who completed the review, 'comment'); a new major version re-triggers the article's mandatory readings.")]
[HandlerOutput("publishedVersion", Description = "the label of the published version, e.g. 2.0")]
[HandlerOutput("rereadAssignments", "number", Description = "how many readings started again")]
public sealed class PublishArticleHandler(PublishArticle publication, ReadingService readings) : ServiceTaskHandler<ArticlePublicationVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ArticlePublicationVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var reviewer = context.UserName ?? "system";
        var (published, previous) = await publication.PublishAsync(variables.VersionId, reviewer, variables.Comment, cancellationToken);
        var reread = previous is not null && published.Major > previous.Major ? await readings.RetriggerAsync(published.ArticleId, published, reviewer, cancellationToken) : 0;
        return new Dictionary<string, JsonNode?> { ["publishedVersion"] = published.Label, ["rereadAssignments"] = reread };
    }
}
