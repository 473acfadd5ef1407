using System.Text.Json.Nodes;
using Crm.Modules.Knowledge;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.MandatoryReading;

/// <summary>Everyone confirmed: the assignment is complete.</summary>
[ServiceTaskHandler("crm.kb.complete-assignment", DisplayName = "Complete a reading assignment", Category = "Knowledge base",
    Description = "Marks 'assignmentId' completed when nobody is pending any more.")]
public sealed class CompleteAssignmentHandler(ReadingService readings) : ServiceTaskHandler<ReadingVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ReadingVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await readings.CompleteIfDoneAsync(variables.AssignmentId, cancellationToken);
        return null;
    }
}
