using Crm.Platform.Search;
using Crm.Modules.Counterparties;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Complaints;

/// <summary>The complaints module (R1): complaints, their cost register and report, settings; the process lives in workflows/ComplaintHandling.</summary>
public static class ComplaintsModule
{
    public static IServiceCollection AddComplaintsModule(this IServiceCollection services)
    {
        services.TryAddScoped<RegisterComplaint>();
        services.AddSearchRecords<ComplaintSearch>();   // the global search
        services.TryAddScoped<ComplaintBook>();
        services.TryAddScoped<ComplaintLetterData>();
        services.TryAddScoped<ComplaintEditing>();
        services.TryAddScoped<ComplaintCosts>();
        services.TryAddScoped<ComplaintSteps>();
        services.TryAddScoped<ComplaintSettingsService>();
        services.AddScoped<ICounterpartyTimelineSource, ComplaintTimelineSource>();
        services.AddScoped<ICounterpartyReferences, ComplaintCounterpartyReferences>();
        services.AddScoped<IPersonDataSource, ComplaintPersonData>();
        return services;
    }

    /// <summary>/api/complaints, /api/complaint-costs, /api/complaint-settings.</summary>
    public static IEndpointRouteBuilder MapComplaintsModule(this IEndpointRouteBuilder app) => app.MapComplaintApi();
}
