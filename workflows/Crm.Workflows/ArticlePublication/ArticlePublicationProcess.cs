using Crm.Modules.Knowledge;
using Crm.Workflow.Runtime;
using Microsoft.Extensions.Options;

namespace Crm.Workflows.ArticlePublication;

/// <summary>The starter of <c>kb-article-publish</c> (the .bpmn beside it): review by the configured reviewers, then publish or return.</summary>
public sealed class ArticlePublicationProcess(IOptions<KnowledgeOptions> options) : IArticlePublicationProcess
{
    public const string Key = ArticleService.PublishProcess;

    /// <summary>The reviewer's user task.</summary>
    public const string ReviewTaskId = "review";

    public async Task<Guid> StartAsync(EngineUnit unit, Guid articleId, ArticleVersion version, string author, CancellationToken cancellationToken)
    {
        var variables = new ArticlePublicationVariables(articleId, version.Id, version.Title, version.Label, author, options.Value.Reviewers);
        var instance = await unit.StartLatestAsync(Key, variables.ToVariables(), $"KB-{version.Title}", author, cancellationToken);
        return instance.Id;
    }
}
