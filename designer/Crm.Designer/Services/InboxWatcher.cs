using Crm.Workflow.Common;
using Crm.Workflow.Tasks;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;

namespace Crm.Designer.Services;

/// <summary>
/// Per browser tab (circuit): polls the signed-in user's inbox counts and tells the navigation and the inbox
/// when they change, so a task assigned to me shows up without a reload, whichever server created it.
/// Polling a few COUNT queries keeps it right across several servers without a message bus.
/// </summary>
public sealed class InboxWatcher(ScopedServices services, AuthenticationStateProvider authentication, ILogger<InboxWatcher> logger) : IAsyncDisposable
{
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public InboxCounts? Counts { get; private set; }

    /// <summary>Raised (on a background thread) when any count changed; handlers use InvokeAsync.</summary>
    public event Func<InboxCounts, Task>? Changed;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Refresh now (after claim, complete, delegate in this tab).</summary>
    public Task RefreshAsync() => PollAsync();

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await PollAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Inbox poll failed");
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
    }

    private async Task PollAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var user = CurrentUser.From(state.User);
        var counts = await services.RunAsync<TaskService, InboxCounts>(s => s.CountsAsync(user, _stop.Token));
        if (counts != Counts)
        {
            Counts = counts;
            if (Changed is { } handlers)
            {
                await handlers(counts);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
    }
}
