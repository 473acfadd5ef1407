using Crm.Workflow.Common;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Platform.Identity;

public static class IdentitySetup
{
    public const string SmartScheme = "crm";

    /// <summary>
    /// Cookie for the web UI, bearer tokens for scripts; one policy scheme picks by the request.
    /// Every endpoint requires an authenticated user unless it opts out explicitly.
    /// </summary>
    public static IServiceCollection AddCrmIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Crm.Platform.Hosting.DemoState>();
        services.TryAddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.TryAddScoped<UserDirectory>();
        services.TryAddScoped<Crm.Workflow.Tasks.ITaskUserDirectory, TaskUserDirectory>();
        services.TryAddScoped<Crm.Workflow.Common.DomainEvents>();
        services.TryAddScoped<SignInService>();
        services.TryAddScoped<UserAdministration>();
        services.TryAddScoped<TokenService>();
        services.TryAddSingleton<TokenCache>();
        services.TryAddScoped<IdentitySeeder>();

        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Cookie or bearer", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "crm.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    // APIs answer 401/403 problems; only pages redirect to the sign-in page.
                    OnRedirectToLogin = context => ApiAwareStatus(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => ApiAwareStatus(context, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = RefreshPrincipalAsync,
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    private static Task ApiAwareStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApiRequest(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // Roles and groups are re-read from the database on every request, so a removed role or a
    // disabled account takes effect at once rather than when the cookie expires.
    private static async Task RefreshPrincipalAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var directory = context.HttpContext.RequestServices.GetRequiredService<UserDirectory>();
        var fresh = Guid.TryParse(id, out var userId)
            ? await directory.CreatePrincipalAsync(userId, CookieAuthenticationDefaults.AuthenticationScheme, context.HttpContext.RequestAborted)
            : null;
        // The stamp changes with the password: other sessions of that user end.
        var stamp = context.Principal?.FindFirstValue(CrmClaimTypes.SecurityStamp);
        if (fresh is null || fresh.FindFirstValue(CrmClaimTypes.SecurityStamp) != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.ReplacePrincipal(fresh);
    }
}
