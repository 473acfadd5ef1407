using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Platform.Notifications;

public sealed record UnreadCount(int Unread);

/// <summary><c>/api/notifications</c>: the caller's in-app notifications (the bell). Every route sees only the caller's rows.</summary>
public static class NotificationFeedApi
{
    public static IEndpointRouteBuilder MapNotificationFeedApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListNotifications").WithSummary("The caller's notifications, newest first (unread=true for unread only).");
        group.MapGet("/unread-count", CountAsync).WithName("CountUnreadNotifications");
        group.MapPost("/{id:guid}/read", MarkReadAsync).WithName("MarkNotificationRead");
        group.MapPost("/read-all", MarkAllReadAsync).WithName("MarkAllNotificationsRead");
        return app;
    }

    private static async Task<Ok<PagedList<NotificationView>>> ListAsync(CurrentUser user, NotificationFeed feed, CancellationToken ct, bool unread = false, int page = 1, int pageSize = 25) =>
        TypedResults.Ok(await feed.ListAsync(user, unread, page, pageSize, ct));

    private static async Task<Ok<UnreadCount>> CountAsync(CurrentUser user, NotificationFeed feed, CancellationToken ct) =>
        TypedResults.Ok(new UnreadCount(await feed.UnreadCountAsync(user, ct)));

    private static async Task<NoContent> MarkReadAsync(Guid id, CurrentUser user, NotificationFeed feed, CancellationToken ct)
    {
        await feed.MarkReadAsync(id, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<UnreadCount>> MarkAllReadAsync(CurrentUser user, NotificationFeed feed, CancellationToken ct)
    {
        await feed.MarkAllReadAsync(user, ct);
        return TypedResults.Ok(new UnreadCount(0));
    }
}
