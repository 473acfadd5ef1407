using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Net.Http.Headers;

namespace Crm.Server.Hosting;

/// <summary>
/// What the server does at its edge: the real client address behind a reverse proxy (forwarded headers from the
/// proxies named in <c>Crm:Network:KnownProxies</c> only, so a client cannot choose its own address for the per-IP
/// sign-in limit or the register), HSTS over HTTPS, and no framing by other sites.
/// </summary>
public static class EdgeSecurity
{
    public static WebApplicationBuilder AddCrmEdgeSecurity(this WebApplicationBuilder builder)
    {
        // Read when first used, from the final configuration (hosts and tests may add settings after this runs).
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            var proxies = (configuration["Crm:Network:KnownProxies"] ?? "")
                .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed; not even loopback by default.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new Crm.Platform.Hosting.CrmConfigurationException("Crm:Network:KnownProxies", $"'{proxy}' is not an IP address."));
            }
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;   // the company's other hosts are not ours to decide
        });
        return builder;
    }

    public static WebApplication UseCrmEdgeSecurity(this WebApplication app)
    {
        if (app.Configuration["Crm:Network:KnownProxies"] is { Length: > 0 })
        {
            _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;   // a bad address stops the start
            app.UseForwardedHeaders();
        }

        app.UseHsts();   // only on HTTPS requests, never for localhost
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers[HeaderNames.XFrameOptions] = "SAMEORIGIN";   // our own pages may frame a preview; other sites nothing
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                var policy = headers[HeaderNames.ContentSecurityPolicy].ToString();
                headers[HeaderNames.ContentSecurityPolicy] = policy.Length == 0 ? "frame-ancestors 'self'" : policy + "; frame-ancestors 'self'";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
