using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Crm.Workflow.Jobs;

public enum JobOutcome
{
    Done,
    /// <summary>Nothing to do: the job was gone, locked by someone else, or its instance no longer waits on it.</summary>
    Stale,
    Failed,
}

/// <summary>
/// Executes one acquired job as one unit of work: the instance step, the job's removal (or the next
/// firing of a cycle) and everything the step writes commit together. A failure rolls the step back and
/// records the attempt; when the attempts are used up the job becomes an incident.
/// </summary>
public sealed class JobRunner(WorkflowDbContext db, ProcessEngine engine, ProcessModelCache models, TimeProvider clock, ILogger<JobRunner> logger)
{
    public async Task<JobOutcome> ExecuteAsync(Guid jobId, string owner, CancellationToken cancellationToken)
    {
        using var activity = EngineTelemetry.Source.StartActivity("job.execute");
        activity?.SetTag("crm.job.id", jobId);
        try
        {
            return await engine.ExecuteAsync(unit => RunOnceAsync(unit, jobId, owner, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            await RecordFailureAsync(jobId, owner, ex, cancellationToken);
            return JobOutcome.Failed;
        }
    }

    private async Task<JobOutcome> RunOnceAsync(EngineUnit unit, Guid jobId, string owner, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || job.LockOwner != owner || job.Incident)
        {
            return JobOutcome.Stale;
        }

        if (job.Kind is JobKind.Timer or JobKind.TimerStart)
        {
            EngineTelemetry.TimerLag.Record((clock.GetUtcNow() - job.DueAt).TotalMilliseconds);
        }

        if (job.Kind == JobKind.TimerStart)
        {
            await StartByTimerAsync(unit, job, owner, cancellationToken);
            return JobOutcome.Done;
        }

        if (job.Kind == JobKind.SignalBroadcast)
        {
            // Whatever became of the thrower, its signal goes out.
            db.Jobs.Remove(job);
            var signal = JsonSerializer.Deserialize<JobPayload>(job.Payload ?? "{}")?.Signal;
            if (!string.IsNullOrWhiteSpace(signal))
            {
                await Messages.SignalService.DeliverAsync(unit, signal, null, null, null, cancellationToken);
            }

            return JobOutcome.Done;
        }

        var instance = await db.ProcessInstances.SingleOrDefaultAsync(i => i.Id == job.InstanceId, cancellationToken);
        if (instance is null || instance.Status != InstanceStatus.Active)
        {
            db.Jobs.Remove(job);
            return JobOutcome.Stale;
        }

        var execution = await unit.OpenAsync(instance, null, cancellationToken, executor: owner);
        db.Jobs.Remove(job);
        var ran = job.Kind switch
        {
            JobKind.CallReturn => await ReturnFromCallAsync(job, execution, cancellationToken),
            JobKind.EscalationFromCall => await EscalateFromCallAsync(job, execution, cancellationToken),
            _ => await TriggerAsync(job, execution, cancellationToken),
        };
        if (!ran)
        {
            unit.Discard(execution);   // only the job row goes
        }

        EngineTelemetry.JobsExecuted.Add(1, new KeyValuePair<string, object?>("kind", job.Kind.ToString()));
        return ran ? JobOutcome.Done : JobOutcome.Stale;
    }

    private static async Task<bool> TriggerAsync(Job job, ProcessExecution execution, CancellationToken cancellationToken)
    {
        if (execution.FindWait(job.Id) is not { } wait)
        {
            return false;   // the instance moved on; the step that moved it deleted this job, or will
        }

        if (job.Kind == JobKind.Continue)
        {
            await execution.ResumeAsyncAsync(wait, cancellationToken);
        }
        else
        {
            await execution.TriggerAsync(wait, null, job, cancellationToken);
        }

        return true;
    }

    private static async Task<bool> EscalateFromCallAsync(Job job, ProcessExecution execution, CancellationToken cancellationToken)
    {
        var code = JsonSerializer.Deserialize<JobPayload>(job.Payload ?? "{}")?.ErrorCode;
        if (code is null || !execution.State.Tokens.Any(t => t.Id == job.AnchorId && t.Wait == WaitKind.CalledProcess))
        {
            return false;   // the call activity ended meanwhile
        }

        await execution.EscalateFromCallAsync(job.AnchorId!, code, cancellationToken);
        return true;
    }

    private static async Task<bool> ReturnFromCallAsync(Job job, ProcessExecution execution, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<JobPayload>(job.Payload ?? "{}") ?? new JobPayload();
        var tokenId = job.AnchorId;
        if (payload.ParkedToken is { } parked)
        {
            if (!execution.Unpark(parked))
            {
                return false;
            }

            tokenId = JsonNode.Parse(parked)?["id"]?.GetValue<string>();
        }

        if (!execution.State.Tokens.Any(t => t.Id == tokenId && t.Wait == WaitKind.CalledProcess))
        {
            return false;
        }

        await execution.ReturnFromCallAsync(tokenId!, payload.Variables ?? [], payload.ErrorCode, payload.Escalations, cancellationToken);
        return true;
    }

    /// <summary>Starts an instance at the timer start event and schedules the next firing (or ends the job).</summary>
    private async Task StartByTimerAsync(EngineUnit unit, Job job, string owner, CancellationToken cancellationToken)
    {
        var definition = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Id == job.DefinitionId)
            .Select(d => new DefinitionRef(d.Id, d.Key, d.Version)).SingleAsync(cancellationToken);
        await unit.StartAsync(definition, job.ElementId, new Dictionary<string, JsonNode?>(), null, null, cancellationToken, owner);
        var payload = JsonSerializer.Deserialize<JobPayload>(job.Payload ?? "{}") ?? new JobPayload();
        var next = payload.Cycle is null ? null : TimerSchedule.Next(payload.Cycle, job.DueAt, payload.RemainingRepeats, clock.GetUtcNow());
        if (next is null)
        {
            db.Jobs.Remove(job);
        }
        else
        {
            job.DueAt = next.Due;
            job.Payload = JsonSerializer.Serialize(new JobPayload { Cycle = next.Cycle, RemainingRepeats = next.RemainingRepeats });
            job.LockOwner = null;
            job.LockedUntil = null;
            job.Attempts = 0;
            job.LastError = null;
        }

        EngineTelemetry.JobsExecuted.Add(1, new KeyValuePair<string, object?>("kind", job.Kind.ToString()));
    }

    private async Task RecordFailureAsync(Guid jobId, string owner, Exception error, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || job.LockOwner != owner)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var cycle = await RetryCycleAsync(job, cancellationToken);
        job.Attempts++;
        job.RetriesLeft--;
        job.LastError = Describe(error);
        job.LockOwner = null;
        job.LockedUntil = null;
        if (job.RetriesLeft <= 0)
        {
            job.Incident = true;
            job.FailedAt = now;
            EngineTelemetry.IncidentsRaised.Add(1, new KeyValuePair<string, object?>("process", job.ProcessKey));
            logger.LogWarning(error, "Job {JobId} ({Kind} at {ElementId} of {ProcessKey}) failed {Attempts} times and is now an incident", job.Id, job.Kind, job.ElementId, job.ProcessKey, job.Attempts);
        }
        else
        {
            job.DueAt = now + RetryPolicy.Delay(cycle, job.Attempts);
            logger.LogInformation("Job {JobId} at {ElementId} failed (attempt {Attempts}); retrying at {DueAt}: {Error}", job.Id, job.ElementId, job.Attempts, job.DueAt, job.LastError);
        }

        EngineTelemetry.JobsFailed.Add(1, new KeyValuePair<string, object?>("kind", job.Kind.ToString()));
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<string?> RetryCycleAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            var model = await models.GetAsync(db, job.DefinitionId, cancellationToken);
            return model.Nodes.GetValueOrDefault(job.ElementId)?.RetryCycle;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Describe(Exception error)
    {
        var text = error switch
        {
            ProcessExecutionException or Model.BpmnValidationException => error.Message,
            ConflictException => "Conflict: " + error.Message,
            _ => $"{error.GetType().Name}: {error.Message}",
        };
        return text.Length <= 4000 ? text : text[..3997] + "...";
    }
}
