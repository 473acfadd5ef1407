using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Workflow.Tasks;

/// <summary>HTTP API for the task inbox: one named handler per endpoint; the caller arrives as a bound <see cref="CurrentUser"/>.</summary>
public static class TaskApi
{
    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks");
        tasks.MapGet("/", ListAsync).WithName("ListTasks")
            .WithSummary("Tasks the caller may see. assignee=me, candidate=me (claimable via me or my groups), delegatedByMe=true, processKey, businessKey, search (name, business key, process), link (customer/case/document id), dueBefore, overdue=true, status, sortBy=created|due|priority|name, order, page, pageSize.");
        tasks.MapGet("/counts", CountsAsync).WithName("TaskCounts").WithSummary("Open tasks: mine, claimable by me, delegated by me, my overdue.");
        tasks.MapGet("/{id:guid}", GetAsync).WithName("GetTask");
        tasks.MapPost("/{id:guid}/claim", ClaimAsync).WithName("ClaimTask");
        tasks.MapPost("/{id:guid}/unclaim", UnclaimAsync).WithName("UnclaimTask");
        tasks.MapPost("/{id:guid}/delegate", DelegateAsync).WithName("DelegateTask");
        tasks.MapPost("/{id:guid}/resolve", ResolveAsync).WithName("ResolveTask").WithSummary("The delegate hands the task back to its owner.");
        tasks.MapPost("/{id:guid}/complete", CompleteAsync).WithName("CompleteTask")
            .WithSummary("Completes the task with variables (validated against its form); 409 if it is no longer open or required subtasks are open.");
        tasks.MapGet("/{id:guid}/subtasks", SubtasksAsync).WithName("ListSubtasks").WithSummary("The subtasks split off a task, open first.");
        tasks.MapPost("/{id:guid}/subtasks", AddSubtaskAsync).WithName("AddSubtask")
            .WithSummary("The task's assignee splits work off to someone: name, assignee, dueAt, required (the task cannot be completed while a required one is open).");
        return app;
    }

    private static async Task<Ok<Processes.PagedList<TaskView>>> ListAsync([AsParameters] TaskListParameters p, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.ListAsync(
            new TaskQuery(p.Assignee, p.Candidate, p.ProcessKey, p.BusinessKey, p.Overdue, p.Status, p.SortBy, p.Order, p.Page ?? 1, p.PageSize ?? 50,
                p.Search, p.DelegatedByMe, p.DueBefore, p.Link), user, ct));

    private static async Task<Ok<List<SubtaskView>>> SubtasksAsync(Guid id, CurrentUser user, Subtasks subtasks, CancellationToken ct) =>
        TypedResults.Ok(await subtasks.OfAsync(id, user, ct));

    private static async Task<Created<SubtaskView>> AddSubtaskAsync(Guid id, AddSubtaskRequest request, CurrentUser user, Subtasks subtasks, CancellationToken ct)
    {
        var subtask = await subtasks.AddAsync(id, request, user, ct);
        return TypedResults.Created($"/api/tasks/{subtask.Id}", subtask);
    }

    private static async Task<Ok<InboxCounts>> CountsAsync(CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.CountsAsync(user, ct));

    private static async Task<Ok<TaskView>> GetAsync(Guid id, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.GetAsync(id, user, ct));

    private static async Task<Ok<TaskView>> ClaimAsync(Guid id, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.ClaimAsync(id, user, ct));

    private static async Task<Ok<TaskView>> UnclaimAsync(Guid id, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.UnclaimAsync(id, user, ct));

    private static async Task<Ok<TaskView>> DelegateAsync(Guid id, DelegateTaskRequest request, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.DelegateAsync(id, request.UserName, user, ct));

    private static async Task<Ok<TaskView>> ResolveAsync(Guid id, CompleteTaskRequest? request, CurrentUser user, TaskService inbox, CancellationToken ct) =>
        TypedResults.Ok(await inbox.ResolveAsync(id, request?.Variables, user, ct));

    private static async Task<Ok<TaskView>> CompleteAsync(Guid id, CompleteTaskRequest? request, CurrentUser user, CompleteTask complete, CancellationToken ct) =>
        TypedResults.Ok(await complete.RunAsync(id, request?.Variables, user, ct));
}

public sealed record TaskListParameters(string? Assignee, string? Candidate, string? ProcessKey, string? BusinessKey, bool? Overdue, string? Status,
    string? SortBy, string? Order, int? Page, int? PageSize, string? Search, bool? DelegatedByMe, DateTimeOffset? DueBefore, string? Link);
