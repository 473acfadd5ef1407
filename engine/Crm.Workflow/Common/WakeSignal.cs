namespace Crm.Workflow.Common;

/// <summary>
/// Wakes a sleeping background worker in this process as soon as a commit gave it work, instead of at its
/// next poll. Raising it many times before the worker wakes counts once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The two instances live as long as the process.")]
public sealed class WakeSignal
{
    /// <summary>A commit created a job due now (async step, call return, retried incident).</summary>
    public static readonly WakeSignal Jobs = new();

    /// <summary>A commit wrote outbox rows for the search index.</summary>
    public static readonly WakeSignal Outbox = new();

    private readonly SemaphoreSlim _signal = new(0, 1);

    private WakeSignal()
    {
    }

    public void Raise()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // already raised
        }
    }

    /// <summary>True when raised, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
