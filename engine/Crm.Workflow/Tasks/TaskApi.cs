using System.Security.Claims;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.Tasks;

/// <summary>HTTP API for the task inbox.</summary>
public static class TaskApi
{
    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks");
        tasks.MapGet("/", async ([AsParameters] TaskListParameters p, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(
                    new TaskQuery(p.Assignee, p.Candidate, p.ProcessKey, p.BusinessKey, p.Overdue, p.Status, p.SortBy, p.Order, p.Page ?? 1, p.PageSize ?? 50,
                        p.Search, p.DelegatedByMe, p.DueBefore, p.Link),
                    CurrentUser.From(principal), ct)))
            .WithName("ListTasks")
            .WithSummary("Tasks the caller may see. assignee=me, candidate=me (claimable via me or my groups), delegatedByMe=true, processKey, businessKey, search (name, business key, process), link (customer/case/document id), dueBefore, overdue=true, status, sortBy=created|due|priority|name, order, page, pageSize.");
        tasks.MapGet("/counts", async (ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.CountsAsync(CurrentUser.From(principal), ct)))
            .WithName("TaskCounts").WithSummary("Open tasks: mine, claimable by me, delegated by me, my overdue.");
        tasks.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(id, CurrentUser.From(principal), ct)))
            .WithName("GetTask");
        tasks.MapPost("/{id:guid}/claim", async (Guid id, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ClaimAsync(id, CurrentUser.From(principal), ct)))
            .WithName("ClaimTask");
        tasks.MapPost("/{id:guid}/unclaim", async (Guid id, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.UnclaimAsync(id, CurrentUser.From(principal), ct)))
            .WithName("UnclaimTask");
        tasks.MapPost("/{id:guid}/delegate", async (Guid id, DelegateTaskRequest request, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.DelegateAsync(id, request.UserName, CurrentUser.From(principal), ct)))
            .WithName("DelegateTask");
        tasks.MapPost("/{id:guid}/resolve", async (Guid id, CompleteTaskRequest? request, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ResolveAsync(id, request?.Variables, CurrentUser.From(principal), ct)))
            .WithName("ResolveTask").WithSummary("The delegate hands the task back to its owner.");
        tasks.MapPost("/{id:guid}/complete", async (Guid id, CompleteTaskRequest? request, ClaimsPrincipal principal, TaskService service, CancellationToken ct) =>
                TypedResults.Ok(await service.CompleteAsync(id, request?.Variables, CurrentUser.From(principal), ct)))
            .WithName("CompleteTask").WithSummary("Completes the task with variables (validated against its form); 409 if it is no longer open.");
        return app;
    }
}

public sealed record TaskListParameters(string? Assignee, string? Candidate, string? ProcessKey, string? BusinessKey, bool? Overdue, string? Status,
    string? SortBy, string? Order, int? Page, int? PageSize, string? Search, bool? DelegatedByMe, DateTimeOffset? DueBefore, string? Link);
