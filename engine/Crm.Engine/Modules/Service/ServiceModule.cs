using Crm.Platform.Search;
using Crm.Modules.Counterparties;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Service;

/// <summary>The service desk (R2): tickets with SLA clocks in working time, queues, statistics; the process lives in workflows/ServiceTicket.</summary>
public static class ServiceModule
{
    public static IServiceCollection AddServiceModule(this IServiceCollection services)
    {
        services.TryAddScoped<RegisterTicket>();
        services.AddSearchRecords<TicketSearch>();   // the global search
        services.TryAddScoped<TicketBook>();
        services.TryAddScoped<TicketSteps>();
        services.TryAddScoped<TicketLinks>();
        services.TryAddScoped<ServiceSettingsService>();
        services.AddScoped<ICounterpartyTimelineSource, TicketTimelineSource>();
        services.AddScoped<ICounterpartyReferences, TicketCounterpartyReferences>();
        services.AddScoped<IPersonDataSource, TicketPersonData>();
        return services;
    }

    /// <summary>/api/tickets, /api/service-settings, /api/sla-policies.</summary>
    public static IEndpointRouteBuilder MapServiceModule(this IEndpointRouteBuilder app) => app.MapTicketApi();
}
