using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>The second person's verdict on a decision above the threshold: approved, or returned to be decided again.</summary>
[ServiceTaskHandler("crm.complaint.approve", DisplayName = "Record a complaint approval", Category = "Complaints",
    Description = "Reads 'approved' (yes/no) and 'approvalComment'; 'no' undoes the decision so it is made again.")]
public sealed class RecordApprovalHandler(ComplaintSteps steps) : ServiceTaskHandler<ComplaintVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ComplaintVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var approver = context.UserName ?? throw new ServiceTaskFailedException("An approval needs the person who gave it.");
        var approved = context.Variables.GetValueOrDefault("approved")?.ToString() == "yes";
        await steps.ApproveAsync(variables.ComplaintId, approved, context.Variables.GetValueOrDefault("approvalComment")?.ToString(), approver, cancellationToken);
        return null;
    }
}
