using System.Text.Json.Nodes;
using Crm.Modules.Counterparties;
using Crm.Workflow.Runtime;

namespace Crm.Workflows.SalesCycle;

/// <summary>Keeps the case's phase in step with the sales-cycle process (same commit as the step).</summary>
[ServiceTaskHandler("crm.case.move", DisplayName = "Move a case to a phase", Category = "CRM",
    Description = "Sets the phase of 'caseId' to one of the case phases defined in the CRM settings (built in: qualification, offer, negotiation), won or lost (with the variable 'lostReason').")]
[HandlerInput("phase", Required = true, Description = "a case phase, won or lost (may be an expression)")]
[HandlerOutput("phase", Description = "the case's phase after the move")]
public sealed class MoveCaseHandler(CaseService cases) : ServiceTaskHandler<SalesCycleVariables>
{
    protected override async Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(SalesCycleVariables variables, ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var phase = context.Inputs.GetValueOrDefault("phase")?.ToString() ?? throw new ServiceTaskFailedException("Give the input 'phase'.");
        var moved = await cases.MoveAsync(variables.CaseId, phase, variables.LostReason, cancellationToken, by: "sales-cycle");
        return new Dictionary<string, JsonNode?> { ["phase"] = moved.Phase };
    }
}
