using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Templates;

/// <summary>Documents from Word and Excel templates (D7): letters, offers, confirmations; mail merge. Filling lives in Filling/.</summary>
public static class TemplatesModule
{
    public static IServiceCollection AddTemplatesModule(this IServiceCollection services)
    {
        services.TryAddScoped<LetterGeneration>();
        services.TryAddScoped<MailMerge>();
        return services;
    }

    /// <summary>/api/templates.</summary>
    public static IEndpointRouteBuilder MapTemplatesModule(this IEndpointRouteBuilder app) => app.MapTemplateApi();
}
