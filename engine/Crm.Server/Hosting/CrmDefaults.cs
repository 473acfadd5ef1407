using System.Text.Json;
using System.Threading.RateLimiting;
using Crm.Platform.Hosting;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Crm.Server.Hosting;

/// <summary>Cross-cutting host wiring: logging, telemetry, problem details, OpenAPI, health, rate limits.</summary>
public static class CrmDefaults
{
    public const string TelemetryName = Crm.Workflow.EngineTelemetry.Name;

    public static WebApplicationBuilder AddCrmDefaults(this WebApplicationBuilder builder)
    {
        // Structured logs: one JSON object per line in production-like set-ups, readable lines otherwise.
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration["Crm:Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        }

        builder.Logging.AddOpenTelemetry(o => { o.IncludeScopes = true; o.IncludeFormattedMessage = true; });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("crm-server"))
            .WithTracing(t => t.AddSource(TelemetryName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(TelemetryName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        builder.Services.AddCrmProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CRM + DMS API";
            document.Info.Description = "Authenticate with `POST /api/auth/token`, then send `Authorization: Bearer <token>`.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A token from POST /api/auth/token or a named API token (crm_…).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
            return Task.CompletedTask;
        }));

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ObjectStoreHealthCheck>("object-store");

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client address: behind a known proxy, the forwarded one (EdgeSecurity); the limit is read from the
            // final configuration, not the one at start-up.
            o.AddPolicy(IdentityApi.SignInRateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<IConfiguration>().GetValue("Crm:SignIn:RequestsPerMinutePerClient", 30),
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        return builder;
    }

    public static WebApplication MapCrmDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("CRM + DMS API"));
        return app;
    }

    private static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        }, JsonSerializerOptions.Web);
    }

    private sealed class DatabaseHealthCheck(CrmDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy(db.IsSqlite ? "SQLite" : "PostgreSQL")
                : HealthCheckResult.Unhealthy("The database does not answer.");
    }

    private sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
    {
        private static readonly ContentHash Probe = ContentHash.Parse(new string('0', 64));

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.GetSizeAsync(Probe, cancellationToken);
                return HealthCheckResult.Healthy(store.GetType().Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The object store does not answer.", ex);
            }
        }
    }
}
