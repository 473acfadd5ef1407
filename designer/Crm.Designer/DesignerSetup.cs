using Microsoft.Extensions.DependencyInjection.Extensions;
using Crm.Designer.Components;
using Crm.Designer.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Crm.Designer;

public static class DesignerSetup
{
    /// <summary>The web UI: Blazor (interactive server) with MudBlazor components.</summary>
    public static IServiceCollection AddCrmDesigner(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        // Replaces the framework's provider: an open page follows role changes and ends with a disabled account.
        services.Replace(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, Services.CircuitIdentityRefresher>());
        services.AddMudServices();
        services.AddTransient<MudBlazor.MudLocalizer, Localization.MudTexts>();   // MudBlazor's own texts in the UI language
        services.AddScoped<Components.People.PeopleNames>();
        services.AddSingleton<ScopedServices>();
        services.AddScoped<InboxWatcher>();
        services.AddScoped<NotificationWatcher>();
        services.AddScoped<ReadingsChanged>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, AuditActorCircuitHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapCrmDesigner(this IEndpointRouteBuilder app)
    {
        // Stylesheets and scripts are public: the sign-in page needs them before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
