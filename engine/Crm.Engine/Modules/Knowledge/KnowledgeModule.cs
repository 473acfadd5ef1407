using Crm.Platform.Identity;
using Crm.Platform.Notifications;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Knowledge;

/// <summary>The knowledge module: articles, review and publication, mandatory reading, compliance.</summary>
public static class KnowledgeModule
{
    public static IServiceCollection AddKnowledgeModule(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section);
        services.TryAddScoped<ArticleService>();
        services.TryAddScoped<PublishArticle>();
        services.TryAddScoped<ReadingService>();
        services.TryAddScoped<ComplianceService>();
        services.AddScoped<Crm.Platform.Search.ISearchSource, ArticleIndexer>();
        services.AddScoped<Crm.Platform.Search.IGlobalSearchSource, ArticleGlobalSearch>();
        // A reading task is completed by confirming the article, never straight from the inbox.
        services.AddSingleton<ITaskCompletionGuard, ReadingTaskGuard>();
        // Readings remind and escalate through their own (editable) process.
        services.AddSingleton(new OwnReminders(ReadingService.ReadingFormKey));
        // Joining a group with an active mandatory reading brings the requirement along.
        services.AddDomainEventSubscriber<GroupMemberAdded, ReadingsOnGroupJoin>();
        return services;
    }

    /// <summary>/api/articles, /api/reading-assignments, /api/me/readings.</summary>
    public static IEndpointRouteBuilder MapKnowledgeModule(this IEndpointRouteBuilder app) => app.MapKnowledgeApi();
}

internal sealed class ReadingTaskGuard : ITaskCompletionGuard
{
    public string? RefuseInboxCompletion(UserTask task) => task.FormKey == ReadingService.ReadingFormKey
        ? "A mandatory reading is completed by opening the article and confirming \"I have read and understood\"."
        : null;
}

internal sealed class ReadingsOnGroupJoin(ReadingService readings) : IDomainEventSubscriber<GroupMemberAdded>
{
    public Task HandleAsync(GroupMemberAdded domainEvent, CancellationToken cancellationToken) =>
        readings.OnMemberAddedAsync(domainEvent.GroupName, domainEvent.UserName, cancellationToken);
}
