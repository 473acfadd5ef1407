using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;

namespace Crm.Workflow.Runtime;

/// <summary>
/// The one way into the engine, like Camunda's command executor: every operation on instances (start,
/// complete, claim, correlate, run a job, migrate, cancel, set variables) runs as one command: load →
/// run → settle every touched instance → publish the events its steps raised (subscribers write in the
/// same unit) → commit once → run again from fresh state when another writer won a revision race.
/// A business use case that must change its own rows together with a step does so inside the command.
/// </summary>
public sealed class ProcessEngine(WorkflowDbContext db, ProcessModelCache models, ExpressionEngine expressions, HandlerCatalog handlers,
    IServiceProvider services, DomainEvents events, TimeProvider clock)
{
    private EngineUnit? _current;

    public WorkflowDbContext Db => db;

    public ProcessModelCache Models => models;

    /// <summary>
    /// Runs <paramref name="command"/> as one unit of work and commits it; retried on a conflict. Called while
    /// a command of this scope runs (a service-task handler or an event subscriber starting another process),
    /// it joins that command: one commit, and the outer command's retry covers both.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<EngineUnit, Task<T>> command, CancellationToken cancellationToken)
    {
        if (_current is { } running)
        {
            return await command(running);
        }

        return await ConflictRetry.RunAsync(db, async () =>
        {
            var unit = new EngineUnit(new EngineContext(db, expressions, handlers, services, clock), models, events);
            _current = unit;
            try
            {
                var result = await command(unit);
                await unit.CommitAsync(cancellationToken);
                return result;
            }
            finally
            {
                _current = null;
            }
        }, cancellationToken);
    }

    public Task ExecuteAsync(Func<EngineUnit, Task> command, CancellationToken cancellationToken) =>
        ExecuteAsync<bool>(async unit =>
        {
            await command(unit);
            return true;
        }, cancellationToken);
}

/// <summary>What a command works with: the instances it opened or started, and the events raised meanwhile.</summary>
public sealed class EngineUnit(EngineContext context, ProcessModelCache models, DomainEvents events)
{
    private readonly List<ProcessExecution> _open = [];
    private readonly HashSet<ProcessExecution> _flushOnly = [];

    public WorkflowDbContext Db => context.Db;

    public EngineContext Context => context;

    public TimeProvider Clock => context.Clock;

    public ProcessModelCache Models => models;

    /// <summary>Whether the command has committed (a command that saves by itself must not; see <see cref="CommitAsync"/>).</summary>
    public bool Committed { get; private set; }

    /// <summary>Opens a tracked instance to act on; it is settled and saved when the command commits.</summary>
    public async Task<ProcessExecution> OpenAsync(ProcessInstance instance, string? userName, CancellationToken cancellationToken, string? executor = null)
    {
        var model = await models.GetAsync(context.Db, instance.DefinitionId, cancellationToken);
        var execution = new ProcessExecution(model, instance, InstanceState.Deserialize(instance.State),
            executor is null ? context : context with { Executor = executor }, userName);
        _open.Add(execution);
        return execution;
    }

    /// <summary>
    /// Takes over an instance whose state the command rewrote itself (migration to another version): it is only
    /// written back at commit, not settled, because its waits were already mapped by the command.
    /// </summary>
    public ProcessExecution Adopt(ProcessModel model, ProcessInstance instance, InstanceState state, string? userName)
    {
        var execution = new ProcessExecution(model, instance, state, context, userName);
        _open.Add(execution);
        _flushOnly.Add(execution);
        return execution;
    }

    /// <summary>Leaves an opened instance untouched: nothing of it is written (e.g. a job that found nothing to do).</summary>
    public void Discard(ProcessExecution execution) => _open.Remove(execution);

    /// <summary>Creates a new instance and runs it to its first wait; it is written when the command commits.</summary>
    public async Task<ProcessInstance> StartAsync(DefinitionRef definition, string? startEventId, IReadOnlyDictionary<string, JsonNode?> variables,
        string? businessKey, string? userName, CancellationToken cancellationToken, string? executor = null)
    {
        var model = await models.GetAsync(context.Db, definition.Id, cancellationToken);
        var instance = new ProcessInstance
        {
            DefinitionId = definition.Id,
            ProcessKey = definition.Key,
            DefinitionVersion = definition.Version,
            BusinessKey = string.IsNullOrWhiteSpace(businessKey) ? null : businessKey.Trim(),
            StartedAt = context.Clock.GetUtcNow(),
            StartedBy = userName,
            State = "{}",
        };
        context.Db.ProcessInstances.Add(instance);
        var execution = new ProcessExecution(model, instance, new InstanceState(), executor is null ? context : context with { Executor = executor }, userName);
        await execution.StartAsync(variables, cancellationToken, startEventId);
        // Settled at once: callers read what the start left (active steps, tasks) before the command ends.
        await execution.PrepareCommitAsync(cancellationToken);
        execution.Flush();
        EngineTelemetry.InstancesStarted.Add(1, new KeyValuePair<string, object?>("process", instance.ProcessKey));
        if (instance.Status != InstanceStatus.Active)
        {
            EngineTelemetry.InstancesEnded.Add(1, new KeyValuePair<string, object?>("status", instance.Status.ToString()));
        }

        return instance;
    }

    /// <summary>Starts the latest deployed version of <paramref name="processKey"/>.</summary>
    public async Task<ProcessInstance> StartLatestAsync(string processKey, IReadOnlyDictionary<string, JsonNode?> variables, string? businessKey, string? userName, CancellationToken cancellationToken) =>
        await StartAsync(await models.LatestAsync(context.Db, processKey, cancellationToken), null, variables, businessKey, userName, cancellationToken);

    /// <summary>Cancels a running instance in this command (the caller checked the right to).</summary>
    public async Task CancelAsync(ProcessInstance instance, string? userName, CancellationToken cancellationToken)
    {
        var execution = await OpenAsync(instance, userName, cancellationToken);
        execution.Cancel();
    }

    /// <summary>Raises an event in this command; subscribers run before the commit, in it.</summary>
    public void Raise(IDomainEvent domainEvent) => context.Raised.Add(domainEvent);

    /// <summary>Settles every opened instance, publishes raised events (their subscribers may raise more), saves once.</summary>
    internal async Task CommitAsync(CancellationToken cancellationToken)
    {
        // Settle, publish, and again while subscribers opened instances or raised events of their own.
        do
        {
            var open = _open.ToList();
            _open.Clear();
            foreach (var execution in open)
            {
                if (!_flushOnly.Contains(execution))
                {
                    await execution.PrepareCommitAsync(cancellationToken);
                }

                execution.Flush();
            }

            var raised = context.Raised.ToList();
            context.Raised.Clear();
            await events.PublishAllAsync(raised, cancellationToken);
        }
        while (_open.Count > 0 || context.Raised.Count > 0);

        _flushOnly.Clear();

        await context.Db.SaveChangesAsync(cancellationToken);
        Committed = true;
    }
}
