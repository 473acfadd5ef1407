using Microsoft.AspNetCore.Routing;
using Crm.Modules.Documents.Previews;
using Crm.Modules.Documents.Validity;
using Crm.Storage.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Documents;

/// <summary>The documents module: folders, documents, check-out/check-in, access register, search index.</summary>
public static class DocumentsModule
{
    /// <summary>Folders, documents, check-out, register, and this node's search index under <c>Crm:DataPath</c>/index.</summary>
    public static IServiceCollection AddDocumentsModule(this IServiceCollection services)
    {
        services.AddOptions<DocumentOptions>().BindConfiguration(DocumentOptions.Section);
        services.TryAddScoped<DocumentAccess>();
        services.TryAddScoped<DocumentService>();
        services.TryAddScoped<FolderService>();
        services.TryAddScoped<RecordFolders>();
        services.TryAddScoped<RecordDocuments>();
        services.TryAddScoped<RecentDocuments>();
        services.TryAddScoped<Checkout.CheckOut>();
        services.TryAddScoped<Checkout.CheckIn>();
        services.TryAddScoped<Checkout.CancelCheckOut>();
        services.TryAddScoped<Checkout.ForceUnlock>();
        // Validity dates; the counterparties module supplies IDocumentCounterparties.
        services.TryAddScoped<DocumentValidityBook>();
        services.TryAddScoped<SetDocumentValidity>();
        services.TryAddScoped<ExpiryReminders>();
        services.AddSingleton<Crm.Workflow.Tasks.ITaskCompletionGuard, Checkout.CheckInTaskGuard>();
        // The check-out process reminds the holder itself, when its own timer says so.
        services.AddSingleton(new Crm.Platform.Notifications.OwnReminders(Checkout.CheckInTaskGuard.FormKey));
        services.TryAddScoped<AccessRegister>();
        services.TryAddScoped<DocumentIndexer>();
        services.TryAddScoped<DocumentCompare>();
        services.TryAddScoped<Previews.DocumentPreview>();
        services.TryAddScoped<SearchService>();
        services.AddScoped<Crm.Platform.Search.IGlobalSearchSource, DocumentGlobalSearch>();
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var path = configuration["Crm:Search:IndexPath"] is { Length: > 0 } configured ? configured
                : Path.Combine(Path.GetFullPath(configuration["Crm:DataPath"] ?? "data"), "index");
            Directory.CreateDirectory(path);
            // Polish word forms: the Hunspell dictionary when installed (Crm:Search:Dictionary names its folder,
            // "none" turns it off), else the light stemmer alone. See docs/decisions/0010-global-search-and-polish-word-forms.md.
            var dictionary = configuration["Crm:Search:Dictionary"] is "none" ? null
                : Crm.Storage.Search.Polish.PolishHunspell.Find(configuration["Crm:Search:Dictionary"] is { Length: > 0 } folder ? folder : null);
            return new SearchIndex(path, dictionary);
        });
        services.TryAddSingleton<SearchIndexer>();
        services.TryAddScoped<BlobCollector>();
        services.TryAddSingleton<FreshUploads>();
        services.TryAddSingleton(sp => IndexingNode.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddScoped<ContentMaintenance>();
        services.TryAddSingleton<HousekeepingReport>();
        // Parsers of uploaded files run in supervised worker processes, never in the server (storage/Crm.Extraction).
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var defaults = new Crm.Storage.Extraction.ExtractionWorkerOptions();
            return new Crm.Storage.Extraction.ExtractionWorkerPool(new Crm.Storage.Extraction.ExtractionWorkerOptions
            {
                Workers = configuration.GetValue("Crm:Extraction:Workers", defaults.Workers),
                MemoryLimitBytes = configuration.GetValue("Crm:Extraction:MemoryLimitMB", defaults.MemoryLimitBytes / 1024 / 1024) * 1024 * 1024,
                UsePdfToText = configuration.GetValue("Crm:Extraction:UsePdfToText", true),
                ScratchFolder = Path.Combine(Path.GetFullPath(configuration["Crm:DataPath"] ?? "data"), "tmp", "extract"),
            }, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Crm.Storage.Extraction.ExtractionWorkerPool>>());
        });
        return services;
    }

    /// <summary>/api/folders, /api/documents (with validity, the expiring list and previews), /api/access-log, /api/search.</summary>
    public static IEndpointRouteBuilder MapDocumentsModule(this IEndpointRouteBuilder app) =>
        app.MapDocumentApi().MapDocumentValidityApi().MapDocumentPreviewApi();

    /// <summary>Keeps this node's index current from the outbox, and collects unreferenced blobs.</summary>
    public static IServiceCollection AddCrmSearchWorker(this IServiceCollection services) =>
        services.AddHostedService<SearchIndexWorker>().AddHostedService<BlobCollectorWorker>();

    /// <summary>Mails owners before their documents expire (every hour, while SMTP is configured).</summary>
    public static IServiceCollection AddDocumentExpiryReminders(this IServiceCollection services) =>
        services.AddHostedService<ExpiryReminderWorker>();
}
