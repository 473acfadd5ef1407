using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;

namespace Crm.Designer.Services;

/// <summary>The signed-in user's inbox counts, polled per tab, so a task assigned to me shows up without a reload.</summary>
public sealed class InboxWatcher(ScopedServices services, AuthenticationStateProvider authentication, ILogger<InboxWatcher> logger)
    : SignedInPoller<InboxCounts>(authentication, logger)
{
    public InboxCounts? Counts => Value;

    protected override Task<InboxCounts> LoadAsync(CurrentUser user, CancellationToken cancellationToken) =>
        services.RunAsync<TaskService, InboxCounts>(s => s.CountsAsync(user, cancellationToken));
}
