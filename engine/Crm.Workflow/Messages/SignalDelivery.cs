using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Workflow.Model;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Messages;

public sealed record SignalRequest(string? Name, Dictionary<string, JsonNode?>? Variables);

/// <summary>What a broadcast reached: the waits it moved on and the instances its signal starts began.</summary>
public sealed record SignalResult(int Delivered, int Started);

/// <summary>
/// Signals (BPMN): a broadcast reaches every instance waiting for the signal (catch events, boundary events) and starts
/// every process with a signal start event; reaching nobody is no error. Thrown by a process (as a job after its commit)
/// or sent through <c>POST /api/signals</c>.
/// </summary>
public sealed class SignalService(ProcessEngine engine, Tasks.ProtectedVariables protectedVariables)
{
    public async Task<SignalResult> BroadcastAsync(SignalRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw ValidationFailedException.For("name", "Name the signal.");
        }

        if (!user.IsProcessOwner && !user.Roles.Contains(Roles.Staff))
        {
            throw new ForbiddenException("Only staff, process owners and admins send signals.");
        }

        return await engine.ExecuteAsync(unit => DeliverAsync(unit, request.Name.Trim(), request.Variables, user.UserName, protectedVariables, cancellationToken), cancellationToken);
    }

    /// <summary>Delivers a signal inside a running command (the API's, or the broadcast job's).</summary>
    public static async Task<SignalResult> DeliverAsync(EngineUnit unit, string name, IReadOnlyDictionary<string, JsonNode?>? variables, string? userName,
        Tasks.ProtectedVariables? protectedVariables, CancellationToken cancellationToken)
    {
        var db = unit.Db;
        var subscriptionName = SignalNames.Prefix + name;
        var waiting = await db.MessageSubscriptions.Where(s => s.MessageName == subscriptionName && s.InstanceId != null)
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var delivered = 0;
        foreach (var group in waiting.GroupBy(s => s.InstanceId!.Value))
        {
            var instance = await db.ProcessInstances.SingleOrDefaultAsync(i => i.Id == group.Key, cancellationToken);
            if (instance is null || instance.Status != InstanceStatus.Active)
            {
                continue;
            }

            protectedVariables?.Refuse(instance.ProcessKey, (variables ?? new Dictionary<string, JsonNode?>()).Keys, "a signal");
            var execution = await unit.OpenAsync(instance, userName, cancellationToken);
            var moved = false;
            foreach (var subscription in group)
            {
                if (execution.FindWait(subscription.Id) is not { } wait)
                {
                    continue;   // an earlier delivery to this instance ended this wait
                }

                db.MessageSubscriptions.Remove(subscription);
                await execution.TriggerAsync(wait, variables, null, cancellationToken);
                moved = true;
                delivered++;
            }

            if (!moved)
            {
                unit.Discard(execution);
            }
        }

        var starts = await db.MessageSubscriptions.AsNoTracking().Where(s => s.MessageName == subscriptionName && s.InstanceId == null).ToListAsync(cancellationToken);
        foreach (var start in starts)
        {
            var definition = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Id == start.DefinitionId)
                .Select(d => new DefinitionRef(d.Id, d.Key, d.Version)).SingleAsync(cancellationToken);
            protectedVariables?.Refuse(definition.Key, (variables ?? new Dictionary<string, JsonNode?>()).Keys, "a signal");
            await unit.StartAsync(definition, start.ElementId, variables ?? new Dictionary<string, JsonNode?>(), null, userName, cancellationToken);
        }

        return new SignalResult(delivered, starts.Count);
    }
}
