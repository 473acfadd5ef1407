using Crm.Modules.Counterparties;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Marketing.Consents;

public static class ConsentsRegistration
{
    public static IServiceCollection AddConsents(this IServiceCollection services)
    {
        services.TryAddScoped<ConsentLedger>();
        services.AddScoped<IPersonConsentChanges>(sp => sp.GetRequiredService<ConsentLedger>());
        services.TryAddScoped<ConsentPersonData>();
        services.AddScoped<IPersonDataSource>(sp => sp.GetRequiredService<ConsentPersonData>());
        services.AddScoped<Counterparties.Gdpr.IPersonErasureStep>(sp => sp.GetRequiredService<ConsentPersonData>());
        return services;
    }

    public static IEndpointRouteBuilder MapConsents(this IEndpointRouteBuilder app) => app.MapConsentApi();
}
