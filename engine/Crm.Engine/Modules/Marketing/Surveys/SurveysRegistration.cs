using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Modules.Marketing.Surveys;

public static class SurveysRegistration
{
    public static IServiceCollection AddSurveys(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapSurveys(this IEndpointRouteBuilder app) => app;
}
