using System.Text.Json.Nodes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Persistence;

namespace Crm.Workflow.Processes;

/// <summary>Writes a business event into the process journal, in the step's transaction (exactly once per step).</summary>
[ServiceTaskHandler("crm.journal", DisplayName = "Write to journal", Category = "Data",
    Description = "Records a business event (input 'text', optional 'data') in the instance's journal.")]
[HandlerInput("text", Required = true, Description = "What happened, e.g. ${'Offer sent to ' + customer}")]
[HandlerInput("data", "json", Description = "Optional details kept with the entry")]
public sealed class JournalHandler(WorkflowDbContext db, TimeProvider clock) : IServiceTaskHandler
{
    public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var text = context.Inputs.GetValueOrDefault("text")?.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ServiceTaskFailedException("Give the journal entry an input named 'text'.");
        }

        db.Journal.Add(new JournalEntry
        {
            InstanceId = context.InstanceId,
            ElementId = context.ElementId,
            IdempotencyKey = context.IdempotencyKey,
            Text = text.Length <= 2000 ? text : text[..2000],
            Data = context.Inputs.GetValueOrDefault("data")?.ToJsonString(),
            ExecutedBy = context.ExecutedBy ?? "request",
            At = clock.GetUtcNow(),
        });
        return Task.FromResult<IReadOnlyDictionary<string, JsonNode?>?>(null);
    }
}
