using Crm.Modules.Marketing.Campaigns;
using Crm.Modules.Marketing.Consents;
using Crm.Modules.Marketing.Loyalty;
using Crm.Modules.Marketing.Mailings;
using Crm.Modules.Marketing.Surveys;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing;

/// <summary>
/// The fifth lifecycle (M1-M4, P4 consents): campaigns with target lists and ROI, mass mailing, surveys, loyalty
/// programmes and the consent ledger. Each part registers itself from its own folder.
/// </summary>
public static class MarketingModule
{
    public static IServiceCollection AddMarketingModule(this IServiceCollection services) => services
        .AddConsents()
        .AddCampaigns()
        .AddMailings()
        .AddSurveys()
        .AddLoyalty();

    /// <summary>/api/campaigns, /api/mailings, /api/surveys, /api/loyalty, /api/consents and the public /m/ links.</summary>
    public static IEndpointRouteBuilder MapMarketingModule(this IEndpointRouteBuilder app) => app
        .MapConsents()
        .MapCampaigns()
        .MapMailings()
        .MapSurveys()
        .MapLoyalty();
}
