using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Workflow.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Messages;

/// <summary>A message from outside: its name, and what narrows who receives it.</summary>
public sealed record MessageRequest(string Name, string? BusinessKey, string? CorrelationKey, Dictionary<string, JsonNode?>? CorrelationKeys, Dictionary<string, JsonNode?>? Variables);

public sealed record MessageDelivery(Guid InstanceId, string ElementId, bool StartedInstance);

public sealed record MessageResult(IReadOnlyList<MessageDelivery> Deliveries);

/// <summary>
/// Correlates a message to the waiting subscriptions that match it: by name; by business key and by the
/// subscription's correlation key when the message carries them; by instance variables named in
/// <c>correlationKeys</c>. Nothing matching is a 404, never a silent drop; several matches need
/// <c>all=true</c>. A message start event matches when no waiting instance does.
/// </summary>
public sealed class MessageService(WorkflowDbContext db, ProcessEngine engine, Tasks.ProtectedVariables protectedVariables, IEnumerable<OwnedMessage> owned)
{
    /// <param name="byOwningUseCase">A module delivering a message its own process waits for (after checking the caller's rights on the record).</param>
    public async Task<MessageResult> CorrelateAsync(MessageRequest request, bool all, CurrentUser user, CancellationToken cancellationToken, bool byOwningUseCase = false)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw ValidationFailedException.For("name", "Name the message.");
        }

        if (request.Name.Trim().StartsWith(Model.SignalNames.Prefix, StringComparison.Ordinal))
        {
            throw ValidationFailedException.For("name", "That is a signal: send it with POST /api/signals (it reaches every waiting instance).");
        }

        if (!byOwningUseCase && owned.FirstOrDefault(m => m.Name == request.Name.Trim()) is { } ownedMessage)
        {
            // Else anyone on staff could move another group's ticket or complaint on, past its record's rights.
            throw new ForbiddenException($"The message '{ownedMessage.Name}' is delivered by {ownedMessage.DeliveredBy}, not through the message API.");
        }

        if (!user.IsProcessOwner && !user.Roles.Contains(Roles.Staff))
        {
            throw new ForbiddenException("Only staff, process owners and admins send messages.");
        }

        return await engine.ExecuteAsync(unit => DeliverAsync(unit, request, all, user, cancellationToken), cancellationToken);
    }

    private async Task<MessageResult> DeliverAsync(EngineUnit unit, MessageRequest request, bool all, CurrentUser user, CancellationToken cancellationToken)
    {
        var name = request.Name.Trim();
        var query = db.MessageSubscriptions.Where(s => s.MessageName == name && s.InstanceId != null);
        if (request.BusinessKey is { Length: > 0 } businessKey)
        {
            query = query.Where(s => s.BusinessKey == businessKey);
        }

        if (request.CorrelationKey is { Length: > 0 } key)
        {
            query = query.Where(s => s.CorrelationKey == key);
        }
        else
        {
            query = query.Where(s => s.CorrelationKey == null);
        }

        var matches = new List<(MessageSubscription Subscription, ProcessInstance Instance, ProcessExecution Execution, EventWait Wait)>();
        var executions = new Dictionary<Guid, (ProcessInstance, ProcessExecution)>();
        // Correlation keys are instance variables: every waiting candidate is read, a page at a time, so the one that
        // matches is found however many others wait for the same message (and a second match is always noticed).
        await foreach (var subscription in CandidatesAsync(query, cancellationToken))
        {
            if (!executions.TryGetValue(subscription.InstanceId!.Value, out var loaded))
            {
                var instance = await db.ProcessInstances.SingleAsync(i => i.Id == subscription.InstanceId, cancellationToken);
                loaded = (instance, await unit.OpenAsync(instance, user.UserName, cancellationToken));
                executions[instance.Id] = loaded;
            }

            var (inst, execution) = loaded;
            if (inst.Status != InstanceStatus.Active || execution.FindWait(subscription.Id) is not { } wait || !VariablesMatch(execution, request.CorrelationKeys))
            {
                continue;
            }

            matches.Add((subscription, inst, execution, wait));
            if (!all && matches.Count > 1)
            {
                throw new ConflictException($"The message '{name}' matches several waiting instances; narrow it with businessKey or correlation keys, or send it with all=true.");
            }
        }

        foreach (var (instance, execution) in executions.Values.Where(e => !matches.Any(m => m.Instance.Id == e.Item1.Id)).ToList())
        {
            unit.Discard(execution);   // read to match, not changed
            executions.Remove(instance.Id);
        }

        if (matches.Count == 0)
        {
            var started = await StartByMessageAsync(unit, name, request, user, protectedVariables, cancellationToken);
            return started ?? throw new NotFoundException($"Nothing waits for the message '{name}' with these keys.");
        }

        var deliveries = new List<MessageDelivery>();
        // An instance waiting twice for the same message (two branches) gets it once per matching wait, in order.
        foreach (var (subscription, instance, execution, wait) in matches)
        {
            if (execution.FindWait(wait.Id) is null)
            {
                continue;   // an earlier delivery to this instance interrupted this wait
            }

            protectedVariables.Refuse(instance.ProcessKey, (request.Variables ?? []).Keys, "a message");
            db.MessageSubscriptions.Remove(subscription);
            await execution.TriggerAsync(wait, request.Variables, null, cancellationToken);
            deliveries.Add(new MessageDelivery(instance.Id, wait.ElementId, false));
        }

        foreach (var (_, execution) in executions.Values)
        {
            if (!deliveries.Any(d => d.InstanceId == execution.Instance.Id))
            {
                unit.Discard(execution);
            }
        }

        return new MessageResult(deliveries);
    }

    private static async IAsyncEnumerable<MessageSubscription> CandidatesAsync(IQueryable<MessageSubscription> query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int Page = 200;
        for (var page = 0; ; page++)
        {
            var rows = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Skip(page * Page).Take(Page).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < Page)
            {
                yield break;
            }
        }
    }

    private static async Task<MessageResult?> StartByMessageAsync(EngineUnit unit, string name, MessageRequest request, CurrentUser user,
        Tasks.ProtectedVariables protectedVariables, CancellationToken cancellationToken)
    {
        var starts = await unit.Db.MessageSubscriptions.AsNoTracking().Where(s => s.MessageName == name && s.InstanceId == null).ToListAsync(cancellationToken);
        if (starts.Count == 0)
        {
            return null;
        }

        var deliveries = new List<MessageDelivery>();
        foreach (var start in starts)
        {
            var definition = await unit.Db.ProcessDefinitions.AsNoTracking().Where(d => d.Id == start.DefinitionId)
                .Select(d => new DefinitionRef(d.Id, d.Key, d.Version)).SingleAsync(cancellationToken);
            protectedVariables.Refuse(definition.Key, (request.Variables ?? []).Keys, "a message");
            var instance = await unit.StartAsync(definition, start.ElementId, request.Variables ?? [], request.BusinessKey, user.UserName, cancellationToken);
            deliveries.Add(new MessageDelivery(instance.Id, start.ElementId, true));
        }

        return new MessageResult(deliveries);
    }

    private static bool VariablesMatch(ProcessExecution execution, Dictionary<string, JsonNode?>? keys)
    {
        if (keys is null || keys.Count == 0)
        {
            return true;
        }

        var variables = execution.State.Root.Variables;
        return keys.All(k => variables.TryGetValue(k.Key, out var value) && JsonNode.DeepEquals(Normalize(value), Normalize(k.Value)));
    }

    // Numbers compare by value (1 and 1.0), everything else structurally.
    private static JsonNode? Normalize(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) ? JsonValue.Create(d) : node;
}
