using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing.Campaigns;

public static class CampaignsRegistration
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app) => app;
}
