using System.Text.Json.Nodes;
using Crm.Workflow.Model;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Processes;

/// <summary>Move running instances to another version; <see cref="Mapping"/> renames elements (unnamed ones keep their id).</summary>
public sealed record MigrationRequest(string ProcessKey, int TargetVersion, IReadOnlyList<Guid>? InstanceIds, int? SourceVersion, Dictionary<string, string>? Mapping);

public sealed record MigrationResult(int Migrated, IReadOnlyList<Guid> InstanceIds);

/// <summary>
/// Instance migration: every element an instance occupies (waiting tokens, sub-process scopes,
/// multi-instance bodies, joins, timers and subscriptions, open tasks) must map to an element of the same
/// kind in the same (mapped) scope of the target version, otherwise nothing is migrated and the problems
/// are listed by instance and element. Boundary timers or subscriptions whose event is gone are dropped.
/// All instances move in one transaction.
/// </summary>
public sealed class InstanceMigrationService(WorkflowDbContext db, ProcessModelCache models, ProcessEngine engine)
{
    public Task<MigrationResult> MigrateAsync(MigrationRequest request, CurrentUser user, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async unit =>
        {
            if (!user.IsProcessOwner)
            {
                throw new ForbiddenException("Only process owners and admins migrate instances.");
            }

            var target = await db.ProcessDefinitions.AsNoTracking().SingleOrDefaultAsync(d => d.Key == request.ProcessKey && d.Version == request.TargetVersion, cancellationToken)
                ?? throw new NotFoundException($"Process '{request.ProcessKey}' has no version {request.TargetVersion}.");
            var targetModel = await models.GetAsync(db, target.Id, cancellationToken);
            var query = db.ProcessInstances.Where(i => i.ProcessKey == request.ProcessKey && i.Status == InstanceStatus.Active && i.DefinitionId != target.Id);
            if (request.InstanceIds is { Count: > 0 } ids)
            {
                query = query.Where(i => ids.Contains(i.Id));
            }

            if (request.SourceVersion is { } sourceVersion)
            {
                query = query.Where(i => i.DefinitionVersion == sourceVersion);
            }

            var instances = await query.ToListAsync(cancellationToken);
            var mapping = request.Mapping ?? [];
            var errors = new Dictionary<string, string[]>();
            var plans = new List<(ProcessInstance Instance, InstanceState State, ProcessModel Source)>();
            foreach (var instance in instances)
            {
                var source = await models.GetAsync(db, instance.DefinitionId, cancellationToken);
                var state = InstanceState.Deserialize(instance.State);
                var problems = Check(source, targetModel, state, mapping);
                if (problems.Count > 0)
                {
                    errors[$"instance {instance.Id}"] = [.. problems];
                }

                plans.Add((instance, state, source));
            }

            if (errors.Count > 0)
            {
                throw new ValidationFailedException(errors);
            }

            foreach (var (instance, state, source) in plans)
            {
                await ApplyAsync(unit, instance, state, source, target, targetModel, mapping, user, cancellationToken);
            }

            return new MigrationResult(plans.Count, [.. plans.Select(p => p.Instance.Id)]);
        }, cancellationToken);

    private static string Map(Dictionary<string, string> mapping, string id) => mapping.GetValueOrDefault(id, id);

    private static List<string> Check(ProcessModel source, ProcessModel target, InstanceState state, Dictionary<string, string> mapping)
    {
        var problems = new List<string>();
        var occupied = state.Tokens.Select(t => t.ElementId)
            .Concat(state.Scopes.Where(s => s.ElementId is not null).Select(s => s.ElementId!))
            .Concat(state.Bodies.Select(b => b.ElementId))
            .Concat(state.Joins.Select(j => j.GatewayId))
            .Concat(state.Waits.Where(w => source.Node(w.ElementId).Kind != NodeKind.BoundaryEvent).Select(w => w.ElementId))
            .Distinct();
        foreach (var id in occupied)
        {
            var from = source.Node(id);
            var to = Map(mapping, id);
            if (!target.Nodes.TryGetValue(to, out var into))
            {
                problems.Add($"'{id}' holds work but the target has no element '{to}'; map it to one.");
                continue;
            }

            if (into.Kind != from.Kind)
            {
                problems.Add($"'{id}' is a {from.Kind} but '{to}' in the target is a {into.Kind}.");
            }

            if ((from.MultiInstance is null) != (into.MultiInstance is null))
            {
                problems.Add($"'{id}' and '{to}' differ in being multi-instance.");
            }

            var expectedScope = from.ScopeId is null ? null : Map(mapping, from.ScopeId);
            if (into.ScopeId != expectedScope)
            {
                problems.Add($"'{to}' is not inside '{expectedScope ?? "the process"}' in the target, where '{id}' was.");
            }
        }

        return problems;
    }

    private async Task ApplyAsync(EngineUnit unit, ProcessInstance instance, InstanceState state, ProcessModel source, ProcessDefinition target, ProcessModel targetModel,
        Dictionary<string, string> mapping, CurrentUser user, CancellationToken cancellationToken)
    {
        foreach (var token in state.Tokens)
        {
            token.ElementId = Map(mapping, token.ElementId);
        }

        foreach (var scope in state.Scopes.Where(s => s.ElementId is not null))
        {
            scope.ElementId = Map(mapping, scope.ElementId!);
        }

        foreach (var body in state.Bodies)
        {
            body.ElementId = Map(mapping, body.ElementId);
        }

        foreach (var join in state.Joins)
        {
            join.GatewayId = Map(mapping, join.GatewayId);
        }

        var jobs = await db.Jobs.Where(j => j.InstanceId == instance.Id).ToListAsync(cancellationToken);
        var subscriptions = await db.MessageSubscriptions.Where(s => s.InstanceId == instance.Id).ToListAsync(cancellationToken);
        foreach (var wait in state.Waits.ToList())
        {
            var to = Map(mapping, wait.ElementId);
            var stillThere = targetModel.Nodes.TryGetValue(to, out var node)
                && (node.Boundary is null || source.Node(wait.ElementId).Boundary is not { } old || node.Boundary.AttachedToId == Map(mapping, old.AttachedToId));
            if (stillThere)
            {
                wait.ElementId = to;
            }
            else
            {
                state.Waits.Remove(wait);
                db.Jobs.RemoveRange(jobs.Where(j => j.Id == wait.Id));
                db.MessageSubscriptions.RemoveRange(subscriptions.Where(s => s.Id == wait.Id));
            }
        }

        foreach (var job in jobs)
        {
            job.ElementId = Map(mapping, job.ElementId);
            job.DefinitionId = target.Id;
        }

        foreach (var subscription in subscriptions)
        {
            subscription.ElementId = Map(mapping, subscription.ElementId);
            subscription.DefinitionId = target.Id;
        }

        var tasks = await db.UserTasks.Where(t => t.InstanceId == instance.Id && t.Status == Tasks.TaskStatus.Open).ToListAsync(cancellationToken);
        foreach (var task in tasks)
        {
            task.ElementId = Map(mapping, task.ElementId);
            task.Revision++;
            if (task.ParkedToken is { } parked && JsonNode.Parse(parked) is JsonObject token)
            {
                token["elementId"] = task.ElementId;
                task.ParkedToken = token.ToJsonString();
            }
        }

        var from = instance.DefinitionVersion;
        instance.DefinitionId = target.Id;
        instance.DefinitionVersion = target.Version;
        var execution = unit.Adopt(targetModel, instance, state, user.UserName);
        execution.RecordMigration(from, target.Version, mapping);
    }
}
