using Crm.Modules.Counterparties;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Marketing.Surveys;

/// <summary>Surveys (M3): question bank, templates, runs, answers by staff and by signed link, analysis, selection by answers. See docs/surveys.md.</summary>
public static class SurveysRegistration
{
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.TryAddScoped<SurveyRights>();
        services.TryAddScoped<ISurveyDictionaries, SurveyDictionariesFromTable>();
        services.TryAddScoped<SurveyBank>();
        services.TryAddScoped<SurveyTemplates>();
        services.TryAddScoped<SurveyRuns>();
        services.TryAddSingleton<SurveyLinks>();
        services.TryAddScoped<SurveyAnswering>();
        services.TryAddScoped<SurveyAnalysis>();
        services.TryAddScoped<SurveySelection>();
        services.AddScoped<ICounterpartyReferences, SurveyCounterpartyReferences>();
        services.AddScoped<IPersonDataSource, SurveyPersonData>();
        return services;
    }

    /// <summary>/api/survey-types, /api/survey-questions, /api/survey-templates, /api/surveys and the anonymous /api/survey-links/{token}.</summary>
    public static IEndpointRouteBuilder MapSurveys(this IEndpointRouteBuilder app) => app.MapSurveyApi();
}
