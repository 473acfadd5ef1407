using Crm.Modules.Mail.Register;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Modules.Mail;

/// <summary>E-mail in the CRM (A2): accounts, IMAP import filed on companies, persons and cases, sending through the outbox.</summary>
public static class MailModule
{
    public static IServiceCollection AddMailModule(this IServiceCollection services)
    {
        services.AddDataProtection();   // the host configures where keys live; tests and the bench keep the defaults
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section);
        services.TryAddScoped<MailAccounts>();
        services.TryAddScoped<CurrentUserAccounts>();
        services.TryAddScoped<MailMatching>();
        services.TryAddScoped<MailFiling>();
        services.TryAddScoped<MailImport>();
        services.TryAddScoped<MailOutbox>();
        services.TryAddScoped<MailBook>();
        services.TryAddScoped<Register.CorrespondenceRegister>();
        services.TryAddScoped<Register.CorrespondenceReminders>();
        services.AddScoped<Crm.Modules.Counterparties.ICounterpartyReferences, MailCounterpartyReferences>();
        services.AddScoped<Crm.Modules.Counterparties.ICounterpartyReferences, CorrespondenceCounterpartyReferences>();
        services.AddScoped<Crm.Modules.Counterparties.IPersonDataSource, MailPersonData>();
        services.TryAddSingleton<MailIdle>();
        services.AddHostedService<MailWorker>();
        return services;
    }

    /// <summary>/api/admin/mail-accounts, /api/mail, /api/correspondence.</summary>
    public static IEndpointRouteBuilder MapMailModule(this IEndpointRouteBuilder app) => app.MapMailApi().MapCorrespondenceApi();
}
