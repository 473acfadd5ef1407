using Crm.Storage.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Engine.Documents;

public static class DocumentSetup
{
    /// <summary>Folders, documents, check-out, register, and this node's search index under <c>Crm:DataPath</c>/index.</summary>
    public static IServiceCollection AddCrmDocuments(this IServiceCollection services)
    {
        services.AddOptions<DocumentOptions>().BindConfiguration(DocumentOptions.Section);
        services.TryAddScoped<DocumentAccess>();
        services.TryAddScoped<DocumentService>();
        services.TryAddScoped<FolderService>();
        services.TryAddScoped<CheckoutService>();
        services.TryAddScoped<AccessRegister>();
        services.TryAddScoped<DocumentIndexer>();
        services.TryAddScoped<DocumentCompare>();
        services.TryAddScoped<SearchService>();
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var path = configuration["Crm:Search:IndexPath"] is { Length: > 0 } configured ? configured
                : Path.Combine(Path.GetFullPath(configuration["Crm:DataPath"] ?? "data"), "index");
            Directory.CreateDirectory(path);
            return new SearchIndex(path);
        });
        services.TryAddSingleton<SearchIndexer>();
        return services;
    }

    /// <summary>Keeps this node's index current from the outbox.</summary>
    public static IServiceCollection AddCrmSearchWorker(this IServiceCollection services) =>
        services.AddHostedService<SearchIndexWorker>();
}
