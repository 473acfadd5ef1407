namespace Crm.Workflow.ExternalTasks;

/// <summary>
/// Wakes every long-polling fetch in this process when a save offered external tasks (a new task, one unlocked or given
/// back): each raise completes the current generation and starts the next. A fetch takes <see cref="Next"/> before it
/// looks for tasks, so a task saved between its look and its wait still wakes it.
/// </summary>
public static class ExternalTaskSignal
{
    private static TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when tasks are offered after this read.</summary>
    public static Task Next => Volatile.Read(ref _next).Task;

    public static void Raise() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
