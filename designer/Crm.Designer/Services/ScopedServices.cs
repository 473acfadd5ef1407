using Crm.Platform.Audit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Designer.Services;

/// <summary>
/// Runs one UI operation in its own DI scope. A Blazor circuit lives for minutes or hours; a
/// DbContext must not, so components never hold engine services directly.
/// </summary>
public sealed class ScopedServices(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> work)
        where TService : notnull
    {
        using var actor = AuditActor.Begin(await SignedInAsync());
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync<TService>(Func<TService, Task> work)
        where TService : notnull
    {
        using var actor = AuditActor.Begin(await SignedInAsync());
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Who uses this page: audit rows derived from the action name them as the actor.</summary>
    private async Task<string?> SignedInAsync()
    {
        try
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            return user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
        }
        catch (InvalidOperationException)
        {
            return null;   // outside a circuit (no authentication state yet)
        }
    }
}
