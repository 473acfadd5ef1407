using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Notifications;

public sealed record NotificationView(Guid Id, string Kind, string Subject, string? Actor, string Link, DateTimeOffset CreatedAt, bool Read);

/// <summary>The signed-in person's bell: their own rows only, newest first; reading one or all of them.</summary>
public sealed class NotificationFeed(CrmDbContext db, TimeProvider clock)
{
    public async Task<PagedList<NotificationView>> ListAsync(CurrentUser user, bool unreadOnly, int page, int pageSize, CancellationToken cancellationToken)
    {
        var rows = Mine(user);
        if (unreadOnly)
        {
            rows = rows.Where(n => n.ReadAt == null);
        }

        (page, pageSize) = Paging.Normalize(page, pageSize);
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(n => n.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Subject, n.Actor, n.Link, n.CreatedAt, n.ReadAt != null)).ToListAsync(cancellationToken);
        return new PagedList<NotificationView>(items, total, page, pageSize);
    }

    public Task<int> UnreadCountAsync(CurrentUser user, CancellationToken cancellationToken) =>
        Mine(user).CountAsync(n => n.ReadAt == null, cancellationToken);

    /// <summary>Marks one of the caller's rows read; another person's row is "not found", never touched.</summary>
    public async Task MarkReadAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!await Mine(user).AnyAsync(n => n.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Notification {id} does not exist.");
        }

        await Mine(user).Where(n => n.Id == id && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
    }

    /// <returns>How many rows were unread.</returns>
    public Task<int> MarkAllReadAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return Mine(user).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
    }

    private IQueryable<UserNotification> Mine(CurrentUser user) => db.UserNotifications.AsNoTracking().Where(n => n.Recipient == user.UserName);
}
