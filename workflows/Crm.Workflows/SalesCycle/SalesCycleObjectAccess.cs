using System.Text.Json.Nodes;
using Crm.Modules.Counterparties.Cases;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.SalesCycle;

/// <summary>A sales cycle's protected values (case, customer) are shown to those who may see the case.</summary>
public sealed class SalesCycleObjectAccess(CaseBook cases) : IProcessObjectAccess
{
    public string ProcessKey => SalesCycleProcess.Key;

    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (variables.OptionalGuid("caseId") is not { } id)
        {
            return false;
        }

        try
        {
            await cases.GetAsync(id, user, cancellationToken);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
