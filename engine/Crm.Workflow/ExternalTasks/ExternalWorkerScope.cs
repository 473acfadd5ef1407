using System.Security.Claims;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Crm.Workflow.ExternalTasks;

/// <summary>
/// An account whose only role is external-worker is a program serving external tasks: it reaches the external-task
/// API, its own token and sign-out, and nothing else (no process starts, no records, no pages).
/// </summary>
public static class ExternalWorkerScope
{
    private static readonly string[] Allowed = ["/api/external-tasks", "/api/auth", "/health"];

    public static IApplicationBuilder UseExternalWorkerScope(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.ExternalWorker)
            && !Roles.All.Any(r => r != Roles.ExternalWorker && user.IsInRole(r))
            && !Allowed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                title = "Not allowed",
                status = 403,
                detail = "An external-worker account serves external tasks (/api/external-tasks) only.",
            }, options: null, contentType: "application/problem+json");
            return;
        }

        await next();
    });
}
