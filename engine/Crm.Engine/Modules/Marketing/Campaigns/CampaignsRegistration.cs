using Crm.Modules.Counterparties;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Marketing.Campaigns;

public static class CampaignsRegistration
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.TryAddScoped<CampaignBook>();
        services.TryAddScoped<CampaignMembers>();
        services.TryAddScoped<CampaignResults>();
        services.TryAddScoped<CampaignLifecycle>();
        services.AddScoped<ICaseOutcomeListener, CampaignCaseOutcomes>();
        return services;
    }

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app) => app.MapCampaignApi();
}
