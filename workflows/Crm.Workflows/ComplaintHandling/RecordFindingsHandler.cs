using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

[ServiceTaskHandler("crm.complaint.analysed", DisplayName = "Record a complaint's findings", Category = "Complaints",
    Description = "Writes the analysis ('findings', and whether an expertise is needed) to the complaint's history.")]
public sealed class RecordFindingsHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var expertise = context.Variables.GetValueOrDefault("needsExpertise") is JsonValue value && value.TryGetValue<bool>(out var needed) && needed;
        await steps.AnalysedAsync(variables.ComplaintId, context.Variables.GetValueOrDefault("findings")?.ToString(), expertise, context.UserName ?? "complaint-handling", cancellationToken);
        return null;
    }
}
