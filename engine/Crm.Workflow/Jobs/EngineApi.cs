using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Workflow.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.Jobs;

/// <summary>HTTP API for incidents (failed jobs) and messages.</summary>
public static class EngineApi
{
    public static IEndpointRouteBuilder MapEngineApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/incidents").WithTags("Incidents");
        incidents.MapGet("/", async (string? processKey, Guid? instanceId, int? page, int? pageSize, CurrentUser user, IncidentService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(processKey, instanceId, page ?? 1, pageSize ?? 50, user, ct)))
            .WithName("ListIncidents").WithSummary("Jobs whose retries ran out, newest first, with the error and the element id.");
        incidents.MapPost("/{id:guid}/retry", async (Guid id, RetryIncidentRequest? request, CurrentUser user, IncidentService service, CancellationToken ct) =>
                TypedResults.Ok(await service.RetryAsync(id, request?.Retries, user, ct)))
            .WithName("RetryIncident").WithSummary("Runs the failed job again now (1 attempt unless retries is given).");

        app.MapPost("/api/messages", async (MessageRequest request, bool? all, CurrentUser user, MessageService service, CancellationToken ct) =>
                TypedResults.Ok(await service.CorrelateAsync(request, all ?? false, user, ct)))
            .WithTags("Messages").WithName("CorrelateMessage")
            .WithSummary("Delivers a message to the waiting instance that matches (404 when none, 409 when several unless all=true), or starts a process with that message start event.");
        app.MapPost("/api/signals", async (SignalRequest request, CurrentUser user, SignalService service, CancellationToken ct) =>
                TypedResults.Ok(await service.BroadcastAsync(request, user, ct)))
            .WithTags("Messages").WithName("BroadcastSignal")
            .WithSummary("Broadcasts a signal (name, variables): every instance waiting for it moves on and every process with that signal start event starts; reaching none is no error.");
        return app;
    }
}
