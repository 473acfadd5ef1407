using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>Loyalty programmes (M4): programmes, members, the points ledger, rewards and orders, statements, expiry. See docs/loyalty.md.</summary>
public static class LoyaltyRegistration
{
    public static IServiceCollection AddLoyalty(this IServiceCollection services)
    {
        services.TryAddScoped<LoyaltyAccess>();
        services.TryAddScoped<LoyaltyLedger>();
        services.TryAddScoped<LoyaltyProgrammes>();
        services.TryAddScoped<LoyaltyMembers>();
        services.TryAddScoped<LoyaltyRewards>();
        services.TryAddScoped<LoyaltyStatements>();
        services.TryAddScoped<LoyaltyExpiry>();
        services.AddScoped<Counterparties.IPersonDataSource, LoyaltyPersonData>();
        services.AddHostedService<LoyaltyExpiryWorker>();
        return services;
    }

    /// <summary>/api/loyalty.</summary>
    public static IEndpointRouteBuilder MapLoyalty(this IEndpointRouteBuilder app) => app.MapLoyaltyApi();
}
