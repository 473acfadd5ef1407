using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Expressions;
using Crm.Workflow.Model;
using Crm.Workflow.Jobs;
using Crm.Workflow.Messages;
using Crm.Workflow.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Workflow.Processes;

/// <summary>
/// Timer and message start events belong to the latest version of a process: deploying a version
/// replaces the previous version's start timers and message start subscriptions (in the deploy's transaction).
/// </summary>
public static class StartEventRegistration
{
    public static async Task RegisterAsync(WorkflowDbContext db, ProcessDefinition definition, ProcessModel model, ExpressionEngine expressions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.Jobs.RemoveRange(await db.Jobs.Where(j => j.Kind == JobKind.TimerStart && j.ProcessKey == definition.Key).ToListAsync(cancellationToken));
        db.MessageSubscriptions.RemoveRange(await db.MessageSubscriptions.Where(s => s.InstanceId == null && s.ProcessKey == definition.Key).ToListAsync(cancellationToken));
        var noVariables = new Dictionary<string, JsonNode?>();
        foreach (var start in model.TriggeredStarts)
        {
            var spec = start.Event!;
            if (spec.Trigger == TriggerKind.Timer)
            {
                var text = expressions.Evaluate(spec.Timer!.Value, noVariables, start.Id)?.ToString()
                    ?? throw new BpmnValidationException([new BpmnError(start.Id, "The timer expression gave no value.")]);
                TimerPlan plan;
                try
                {
                    plan = TimerSchedule.First(spec.Timer.Kind, text, now);
                }
                catch (FormatException ex)
                {
                    throw new BpmnValidationException([new BpmnError(start.Id, ex.Message)]);
                }

                db.Jobs.Add(new Job
                {
                    Kind = JobKind.TimerStart,
                    DefinitionId = definition.Id,
                    ProcessKey = definition.Key,
                    ElementId = start.Id,
                    DueAt = plan.Due,
                    RetriesLeft = RetryPolicy.Attempts(start.RetryCycle),
                    CreatedAt = now,
                    Payload = plan.Cycle is null ? null : JsonSerializer.Serialize(new JobPayload { Cycle = plan.Cycle, RemainingRepeats = plan.RemainingRepeats }),
                });
            }
            else if (spec.Trigger == TriggerKind.Message)
            {
                db.MessageSubscriptions.Add(new MessageSubscription
                {
                    MessageName = expressions.Evaluate(spec.MessageName!, noVariables, start.Id)?.ToString()
                        ?? throw new BpmnValidationException([new BpmnError(start.Id, "The message name is empty.")]),
                    DefinitionId = definition.Id,
                    ProcessKey = definition.Key,
                    ElementId = start.Id,
                    CreatedAt = now,
                });
            }
        }
    }
}
