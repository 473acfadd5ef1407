using Microsoft.AspNetCore.Localization;

namespace Crm.Server.Hosting;

/// <summary>UI language: English and Polish, chosen by a cookie the language switch sets.</summary>
public static class CultureEndpoints
{
    public static readonly string[] Supported = ["en", "pl"];

    public static IServiceCollection AddCrmLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o => o
            .SetDefaultCulture(Supported[0])
            .AddSupportedCultures(Supported)
            .AddSupportedUICultures(Supported));
        return services;
    }

    public static WebApplication MapCultureSwitch(this WebApplication app)
    {
        app.MapGet("/culture/{culture}", (string culture, string? returnUrl, HttpContext http) =>
        {
            if (Supported.Contains(culture, StringComparer.OrdinalIgnoreCase))
            {
                http.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture.ToLowerInvariant())),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            }

            // Only local paths: the switch must not become an open redirect.
            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
            return Results.LocalRedirect(target);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
