using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

[ServiceTaskHandler("crm.complaint.answer", DisplayName = "Record the answer to the customer", Category = "Complaints",
    Description = "Reads 'answerChannel' (letter, email, phone, in-person) and 'answerText'; the complaint is answered (the statutory deadline is met).")]
public sealed class RecordAnswerHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        await steps.AnswerAsync(variables.ComplaintId, context.Variables.GetValueOrDefault("answerChannel")?.ToString(),
            context.Variables.GetValueOrDefault("answerText")?.ToString(), context.UserName ?? "complaint-handling", cancellationToken);
        return null;
    }
}
