using System.Security.Claims;
using Crm.Platform.Identity;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace Crm.Designer.Services;

/// <summary>
/// An open page (a Blazor circuit) keeps the user it started with; HTTP requests re-read roles on every request, a
/// circuit would not. Every few seconds this re-reads the user: a disabled account, a new password elsewhere or a
/// reset (the security stamp changed) signs the page out; changed roles, groups or name reach the page as they are.
/// </summary>
public sealed class CircuitIdentityRefresher : ServerAuthenticationStateProvider, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly ScopedServices _services;
    private readonly ILogger<CircuitIdentityRefresher> _logger;
    private readonly CancellationTokenSource _stop = new();

    public CircuitIdentityRefresher(ScopedServices services, ILogger<CircuitIdentityRefresher> logger)
    {
        _services = services;
        _logger = logger;
        _ = RefreshLoopAsync(_stop.Token);
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RefreshAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        ClaimsPrincipal current;
        try
        {
            current = (await GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            return;   // not set yet (the circuit is still starting)
        }

        if (current.Identity?.IsAuthenticated != true || !Guid.TryParse(current.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return;
        }

        try
        {
            var fresh = await _services.RunAsync<UserDirectory, ClaimsPrincipal?>(d => d.CreatePrincipalAsync(userId, current.Identity.AuthenticationType!, cancellationToken));
            if (fresh is null || fresh.FindFirstValue(CrmClaimTypes.SecurityStamp) != current.FindFirstValue(CrmClaimTypes.SecurityStamp))
            {
                SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
            }
            else if (!SameClaims(fresh, current))
            {
                SetAuthenticationState(Task.FromResult(new AuthenticationState(fresh)));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A database hiccup must not end the page; the next tick tries again.
            _logger.LogWarning(ex, "Could not re-read user {UserId} for an open page", userId);
        }
    }

    private static bool SameClaims(ClaimsPrincipal a, ClaimsPrincipal b) =>
        Describe(a).SetEquals(Describe(b));

    private static HashSet<string> Describe(ClaimsPrincipal principal) =>
        [.. principal.Claims.Select(c => c.Type + "\u0001" + c.Value)];

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
