using Crm.Platform.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Persistence;

/// <summary>The in-app notifications (the bell) in the product's one context.</summary>
public sealed partial class CrmDbContext
{
    public DbSet<UserNotification> UserNotifications => Set<UserNotification>();
}
