using Crm.Designer.Localization;
using Microsoft.AspNetCore.Localization;

namespace Crm.Server.Hosting;

/// <summary>UI language: English and Polish, chosen by a cookie the language switch sets.</summary>
public static class CultureEndpoints
{
    public static readonly string[] Supported = UiCultures.Names;

    public static IServiceCollection AddCrmLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            // The culture objects themselves (not names), so Polish dates keep their two-digit days.
            o.DefaultRequestCulture = new RequestCulture(UiCultures.All[0]);
            o.SupportedCultures = UiCultures.All;
            o.SupportedUICultures = UiCultures.All;
        });
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
