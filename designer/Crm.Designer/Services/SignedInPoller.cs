using Crm.Workflow.Common;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;

namespace Crm.Designer.Services;

/// <summary>
/// Per browser tab (circuit): polls a value of the signed-in user and tells the components that show it when it
/// changes, so news shows up without a reload, whichever server caused it. Polling a cheap query keeps it right
/// across several servers without a message bus.
/// </summary>
public abstract class SignedInPoller<T>(AuthenticationStateProvider authentication, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public T? Value { get; private set; }

    /// <summary>Raised (on a background thread) when the value changed; handlers use InvokeAsync.</summary>
    public event Func<T, Task>? Changed;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Refresh now (after an action in this tab).</summary>
    public Task RefreshAsync() => PollAsync();

    protected abstract Task<T> LoadAsync(CurrentUser user, CancellationToken cancellationToken);

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
                logger.LogDebug(ex, "Poll of {Type} failed", GetType().Name);
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

        var value = await LoadAsync(CurrentUser.From(state.User), _stop.Token);
        if (!EqualityComparer<T>.Default.Equals(value, Value))
        {
            Value = value;
            if (Changed is { } handlers)
            {
                await handlers(value);
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
        GC.SuppressFinalize(this);
    }
}
