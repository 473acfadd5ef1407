using Microsoft.Extensions.DependencyInjection;

namespace Crm.Designer.Services;

/// <summary>
/// Runs one UI operation in its own DI scope. A Blazor circuit lives for minutes or hours; a
/// DbContext must not, so components never hold engine services directly.
/// </summary>
public sealed class ScopedServices(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync<TService>(Func<TService, Task> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
