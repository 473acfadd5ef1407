using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Notifications;

public sealed record NotificationSettings(bool EmailNotifications, bool DailyDigest, string? Email);

/// <summary>Each person decides how task mail reaches them: one by one, as a daily digest, or not at all.</summary>
public sealed class NotificationPreferences(CrmDbContext db)
{
    public async Task<NotificationSettings> GetAsync(CurrentUser user, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => new NotificationSettings(u.EmailNotifications, u.DailyDigest, u.Email))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Your account no longer exists.");

    public async Task<NotificationSettings> SetAsync(CurrentUser user, bool emailNotifications, bool dailyDigest, CancellationToken cancellationToken)
    {
        var changed = await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.EmailNotifications, emailNotifications).SetProperty(u => u.DailyDigest, dailyDigest), cancellationToken);
        if (changed == 0)
        {
            throw new NotFoundException("Your account no longer exists.");
        }

        return await GetAsync(user, cancellationToken);
    }
}

public static class NotificationApi
{
    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me/notifications").WithTags("Notifications");
        me.MapGet("/", async (CurrentUser user, NotificationPreferences service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(user, ct))).WithName("GetNotificationSettings");
        me.MapPut("/", async (NotificationSettingsRequest request, CurrentUser user, NotificationPreferences service, CancellationToken ct) =>
            TypedResults.Ok(await service.SetAsync(user, request.EmailNotifications, request.DailyDigest, ct)))
            .WithName("SetNotificationSettings").WithSummary("E-mail on/off and daily digest for the signed-in user.");
        return app.MapNotificationFeedApi();
    }
}

public sealed record NotificationSettingsRequest(bool EmailNotifications, bool DailyDigest);
