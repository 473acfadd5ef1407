using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.ExternalTasks;

/// <summary>HTTP API for external-task workers (any language): the calls and bodies of Camunda 7's external-task REST API.</summary>
public static class ExternalTaskApi
{
    public static IEndpointRouteBuilder MapExternalTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/external-tasks").WithTags("External tasks");
        tasks.MapGet("/", async (string? topic, Guid? instanceId, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(topic, instanceId, user, ct)))
            .WithName("ListExternalTasks");
        tasks.MapPost("/fetch-and-lock", async (FetchAndLockRequest request, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.FetchAndLockAsync(request, user, ct)))
            .WithName("FetchAndLockExternalTasks")
            .WithSummary("{workerId, maxTasks, usePriority, asyncResponseTimeout (ms, long polling up to 30 s), topics: [{topicName, lockDuration (ms), variables?}]}: locks up to maxTasks open tasks of the topics for this worker and returns them with their variables.");
        tasks.MapPost("/{id:guid}/complete", async (Guid id, CompleteExternalTaskRequest request, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
            {
                await service.CompleteAsync(id, request, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("CompleteExternalTask").WithSummary("{workerId, variables}: the process goes on.");
        tasks.MapPost("/{id:guid}/failure", async (Guid id, ExternalTaskFailureRequest request, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
            {
                await service.FailureAsync(id, request, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("ExternalTaskFailure").WithSummary("{workerId, errorMessage, errorDetails, retries, retryTimeout (ms)}: offered again after the timeout; retries 0 makes an incident.");
        tasks.MapPost("/{id:guid}/bpmn-error", async (Guid id, ExternalTaskBpmnErrorRequest request, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
            {
                await service.BpmnErrorAsync(id, request, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("ExternalTaskBpmnError").WithSummary("{workerId, errorCode, errorMessage, variables}: thrown from the task to the nearest error boundary or event sub-process.");
        tasks.MapPost("/{id:guid}/extend-lock", async (Guid id, ExtendLockRequest request, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
            {
                await service.ExtendLockAsync(id, request, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("ExtendExternalTaskLock");
        tasks.MapPost("/{id:guid}/unlock", async (Guid id, CurrentUser user, ExternalTaskService service, CancellationToken ct) =>
            {
                await service.UnlockAsync(id, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("UnlockExternalTask");
        return app;
    }
}
