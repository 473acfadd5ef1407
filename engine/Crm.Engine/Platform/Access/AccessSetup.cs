using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Platform.Access;

public static class AccessSetup
{
    /// <summary>The rules as data and the one policy service that reads them.</summary>
    public static IServiceCollection AddCrmAccessPolicy(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AccessPolicy>();
        services.TryAddScoped<AccessAdministration>();
        return services;
    }
}
