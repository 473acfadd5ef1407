using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing.Loyalty;

public static class LoyaltyRegistration
{
    public static IServiceCollection AddLoyalty(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapLoyalty(this IEndpointRouteBuilder app) => app;
}
