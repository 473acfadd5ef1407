using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing.Consents;

public static class ConsentsRegistration
{
    public static IServiceCollection AddConsents(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapConsents(this IEndpointRouteBuilder app) => app;
}
