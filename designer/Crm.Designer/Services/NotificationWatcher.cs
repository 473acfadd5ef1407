using Crm.Platform.Notifications;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;

namespace Crm.Designer.Services;

/// <summary>The signed-in user's unread notification count, polled per tab like the inbox counts: the bell rings live.</summary>
public sealed class NotificationWatcher(ScopedServices services, AuthenticationStateProvider authentication, ILogger<NotificationWatcher> logger)
    : SignedInPoller<int>(authentication, logger)
{
    protected override Task<int> LoadAsync(CurrentUser user, CancellationToken cancellationToken) =>
        services.RunAsync<NotificationFeed, int>(s => s.UnreadCountAsync(user, cancellationToken));
}
