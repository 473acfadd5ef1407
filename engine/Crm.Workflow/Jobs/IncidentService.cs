using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Jobs;

public sealed record IncidentView(Guid Id, Guid? InstanceId, string ProcessKey, string ElementId, string Kind, string? Error, int Attempts, DateTimeOffset? FailedAt, DateTimeOffset CreatedAt);

public sealed record RetryIncidentRequest(int? Retries);

/// <summary>
/// Incidents are jobs whose retries ran out. Process owners see them (with the error and the element) and
/// retry them once the cause is fixed: a new handler version, a corrected variable, a reachable service.
/// </summary>
public sealed class IncidentService(WorkflowDbContext db, TimeProvider clock)
{
    public async Task<PagedList<IncidentView>> ListAsync(string? processKey, Guid? instanceId, int page, int pageSize, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        var query = db.Jobs.AsNoTracking().Where(j => j.Incident);
        if (processKey is { Length: > 0 })
        {
            query = query.Where(j => j.ProcessKey == processKey);
        }

        if (instanceId is { } id)
        {
            query = query.Where(j => j.InstanceId == id);
        }

        // External tasks whose worker reported no retries left are incidents too.
        var external = db.ExternalTasks.AsNoTracking().Where(t => t.Incident
            && (processKey == null || processKey == "" || t.ProcessKey == processKey) && (instanceId == null || t.InstanceId == instanceId));
        (page, pageSize) = Paging.Normalize(page, pageSize);
        var total = await query.CountAsync(cancellationToken) + await external.CountAsync(cancellationToken);
        var upTo = page * pageSize;
        var jobs = await query.OrderByDescending(j => j.FailedAt).Take(upTo).ToListAsync(cancellationToken);
        var tasks = await external.OrderByDescending(t => t.FailedAt).Take(upTo).ToListAsync(cancellationToken);
        var rows = jobs.Select(View).Concat(tasks.Select(View)).OrderByDescending(i => i.FailedAt).Skip((page - 1) * pageSize).Take(pageSize);
        return new PagedList<IncidentView>([.. rows], total, page, pageSize);
    }

    public async Task<IncidentView> RetryAsync(Guid id, int? retries, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireOwner(user);
        if (retries is < 1 or > 100)
        {
            throw ValidationFailedException.For("retries", "Give 1 to 100 attempts.");
        }

        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id && j.Incident, cancellationToken);
        if (job is null && await db.ExternalTasks.SingleOrDefaultAsync(t => t.Id == id && t.Incident, cancellationToken) is { } task)
        {
            // Offered to workers again with the attempts given.
            (task.Incident, task.Retries, task.LockExpiresAt, task.WorkerId, task.LockedBy) = (false, retries ?? 1, null, null, null);
            task.Revision++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new ConflictException($"Incident {id} changed meanwhile (its process moved on); reload the incidents.");
            }

            return View(task);
        }

        if (job is null)
        {
            throw new NotFoundException($"Incident {id} does not exist (or was retried already).");
        }

        job.Incident = false;
        job.RetriesLeft = retries ?? 1;
        job.DueAt = clock.GetUtcNow();
        job.LockOwner = null;
        job.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        WakeSignal.Jobs.Raise();
        return View(job);
    }

    private static void RequireOwner(CurrentUser user)
    {
        if (!user.IsProcessOwner)
        {
            throw new ForbiddenException("Incidents are for process owners and admins.");
        }
    }

    public static IncidentView View(ExternalTasks.ExternalTask t) =>
        new(t.Id, t.InstanceId, t.ProcessKey, t.ElementId, $"ExternalTask ({t.Topic})", t.ErrorMessage, 0, t.FailedAt, t.CreatedAt);

    public static IncidentView View(Job j) => new(j.Id, j.InstanceId, j.ProcessKey, j.ElementId, j.Kind.ToString(), j.LastError, j.Attempts, j.FailedAt, j.CreatedAt);
}
