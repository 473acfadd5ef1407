using Crm.Modules.Mail;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Marketing.Mailings;

public static class MailingsRegistration
{
    public static IServiceCollection AddMailings(this IServiceCollection services)
    {
        services.AddDataProtection();
        services.AddOptions<MarketingOptions>().BindConfiguration(MarketingOptions.Section);
        services.TryAddSingleton<MailingLinks>();
        services.TryAddSingleton<MailingComposer>();
        services.TryAddScoped<MailingRecipients>();
        services.TryAddScoped<MailingBook>();
        services.TryAddScoped<MailingSender>();
        services.AddScoped<IBounceHandler, MailingBounces>();
        services.TryAddScoped<MailingPersonData>();
        services.AddScoped<Counterparties.IPersonDataSource>(sp => sp.GetRequiredService<MailingPersonData>());
        services.AddScoped<Counterparties.Gdpr.IPersonErasureStep>(sp => sp.GetRequiredService<MailingPersonData>());
        services.AddHostedService<MarketingWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapMailings(this IEndpointRouteBuilder app) => app.MapMailingApi().MapMailingPublicLinks();
}
