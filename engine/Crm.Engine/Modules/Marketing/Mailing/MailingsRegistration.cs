using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing.Mailing;

public static class MailingsRegistration
{
    public static IServiceCollection AddMailings(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapMailings(this IEndpointRouteBuilder app) => app;
}
