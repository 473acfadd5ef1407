using System.Diagnostics;
using Crm.Workflow.Model;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Storage.Objects;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Server.Hosting;

/// <summary>Every error the API returns is an RFC 7807 problem: domain errors, bad requests, status codes and crashes.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddCrmProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        return services;
    }

    /// <summary>Bodiless 4xx/5xx answers from the API (401 from auth, 404 from routing…) get a problem body.</summary>
    public static IApplicationBuilder UseCrmProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (IdentitySetup.IsApiRequest(http.Request) || http.Request.Path == "/health")
            {
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = http.Response.StatusCode },
                });
            }
            else if (http.Response.StatusCode == StatusCodes.Status404NotFound && HttpMethods.IsGet(http.Request.Method)
                && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
            {
                // A browser asking for an address no page answers lands on the app's own 404 page, inside the shell
                // (re-executing would not route again: routing runs before this middleware).
                http.Response.Redirect(http.Request.PathBase + "/not-found");
            }
        });
        return app;
    }

    private sealed class DomainExceptionHandler(IProblemDetailsService problems, ILogger<DomainExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            ProblemDetails problem = exception switch
            {
                ValidationFailedException v => new HttpValidationProblemDetails(v.Errors) { Status = 400, Title = "Invalid input", Detail = v.Message },
                ConflictException c => new ProblemDetails { Status = 409, Title = "Conflict", Detail = c.Message },
                ForbiddenException f => new ProblemDetails { Status = 403, Title = "Not allowed", Detail = f.Message },
                BpmnValidationException b => new ProblemDetails
                {
                    Status = 400,
                    Title = "Invalid process definition",
                    Detail = $"The definition has {b.Errors.Count} error(s); each names the element.",
                    Extensions = { ["errors"] = b.Errors.Select(e => new { elementId = e.ElementId, message = e.Message }).ToList() },
                },
                Crm.Workflow.Decisions.DmnValidationException d => new ProblemDetails
                {
                    Status = 400,
                    Title = "Invalid decision definition",
                    Detail = $"The decision file has {d.Errors.Count} error(s); each names the decision, rule or column.",
                    Extensions = { ["errors"] = d.Errors.Select(e => new { elementId = e.ElementId, message = e.Message }).ToList() },
                },
                ProcessExecutionException p => new ProblemDetails
                {
                    Status = 422,
                    Title = "A process step failed",
                    Detail = p.Message,
                    Extensions = { ["elementId"] = p.ElementId },
                },
                NotFoundException n => new ProblemDetails { Status = 404, Title = "Not found", Detail = n.Message },
                ObjectTooLargeException t => new ProblemDetails { Status = 413, Title = "Content too large", Detail = t.Message },
                BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = b.Message },
                _ => new ProblemDetails { Status = 500, Title = "Unexpected error", Detail = "The server could not complete the request; the error is logged with the trace id." },
            };
            if (problem.Status == 500 || exception is ProcessExecutionException { InnerException: not null and not DomainException })
            {
                logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            }

            http.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }
    }
}
