using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Workflow.Jobs;

/// <summary>Settings of the job executor (section <c>Crm:Jobs</c>).</summary>
public sealed class JobOptions
{
    public const string Section = "Crm:Jobs";

    /// <summary>Run the executor in this process (turn off for API-only nodes).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Jobs locked per acquisition.</summary>
    public int BatchSize { get; set; } = 32;
    /// <summary>Jobs executed at once by this process.</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>How long a lock holds; a server that dies loses its jobs to others after this.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Longest sleep when idle: how soon jobs created by other servers are noticed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Name in job locks and journal entries; defaults to host name, process id and a random suffix.</summary>
    public string? NodeName { get; set; }
}

/// <summary>
/// The background job executor: acquires due jobs in batches and runs them, several at a time, each in its
/// own scope (DbContext). Jobs of one instance run one after the other. Sleeps until the next due job,
/// a local signal, or the poll interval.
/// </summary>
public sealed class JobExecutor(IServiceScopeFactory scopes, IOptions<JobOptions> options, TimeProvider clock, ILogger<JobExecutor> logger) : BackgroundService
{
    public string Owner { get; } = options.Value.NodeName is { Length: > 0 } name ? name
        : $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        logger.LogInformation("Job executor {Owner} started ({Concurrency} at a time)", Owner, options.Value.Concurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var executed = await RunDueJobsAsync(stoppingToken);
                if (executed < options.Value.BatchSize)
                {
                    await SleepAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be restarting; keep going after a pause.
                logger.LogError(ex, "Job executor {Owner}: acquisition failed", Owner);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One acquisition and its execution; returns how many jobs it took. Tests call it directly.</summary>
    public async Task<int> RunDueJobsAsync(CancellationToken cancellationToken)
    {
        List<AcquiredJob> batch;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
            batch = await JobAcquisition.AcquireAsync(db, Owner, options.Value.BatchSize, options.Value.LockDuration, clock.GetUtcNow(), cancellationToken);
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        // One lane per instance: its jobs run in order, lanes run in parallel.
        var lanes = batch.GroupBy(j => j.InstanceId ?? j.Id).Select(g => g.Select(j => j.Id).ToList()).ToList();
        await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = cancellationToken }, async (lane, ct) =>
        {
            foreach (var id in lane)
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<JobRunner>().ExecuteAsync(id, Owner, ct);
            }
        });
        return batch.Count;
    }

    private async Task SleepAsync(CancellationToken cancellationToken)
    {
        var sleep = options.Value.PollInterval;
        using (var scope = scopes.CreateScope())
        {
            var next = await JobAcquisition.NextDueAsync(scope.ServiceProvider.GetRequiredService<WorkflowDbContext>(), cancellationToken);
            if (next is { } due)
            {
                var until = due - clock.GetUtcNow();
                sleep = until < sleep ? until : sleep;
            }
        }

        if (sleep > TimeSpan.Zero)
        {
            await WakeSignal.Jobs.WaitAsync(sleep, cancellationToken);
        }
    }
}
