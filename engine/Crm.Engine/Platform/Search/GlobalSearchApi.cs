using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Platform.Search;

/// <summary>The global search: its use case, the caller's tasks as a source, and GET /api/global-search.</summary>
public static class GlobalSearchSetup
{
    public static IServiceCollection AddCrmGlobalSearch(this IServiceCollection services)
    {
        services.TryAddSingleton<GlobalSearch>();
        services.AddScoped<IGlobalSearchSource, TaskSearchSource>();
        return services;
    }

    /// <summary>GET /api/global-search?q=agro&amp;perGroup=5: grouped hits, only what the caller may see.</summary>
    public static IEndpointRouteBuilder MapGlobalSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/global-search", SearchAsync).WithTags("Search").WithName("GlobalSearch")
            .WithSummary("One search for counterparties, persons, cases, complaints, tickets, documents, articles and the caller's tasks.");
        return app;
    }

    private static async Task<Ok<GlobalSearchResult>> SearchAsync(string? q, int? perGroup, CurrentUser user, HttpContext http, GlobalSearch search, CancellationToken ct) =>
        TypedResults.Ok(await search.RunAsync(q, user, AccessContext.From(http), perGroup ?? 5, ct));
}

public static class SearchSourceRegistration
{
    /// <summary>A module's record kind that is both indexed (<see cref="ISearchSource"/>) and found (<see cref="IGlobalSearchSource"/>).</summary>
    public static IServiceCollection AddSearchRecords<T>(this IServiceCollection services) where T : class, ISearchSource, IGlobalSearchSource
    {
        services.TryAddScoped<T>();
        services.AddScoped<ISearchSource>(sp => sp.GetRequiredService<T>());
        services.AddScoped<IGlobalSearchSource>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
