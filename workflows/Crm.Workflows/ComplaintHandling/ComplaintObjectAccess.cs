using System.Text.Json.Nodes;
using Crm.Modules.Complaints;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.ComplaintHandling;

/// <summary>A complaint process's protected values (complaint, customer) are shown to those who may see the complaint.</summary>
public sealed class ComplaintObjectAccess(ComplaintBook complaints) : IProcessObjectAccess
{
    public string ProcessKey => ComplaintProcess.Key;

    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (variables.OptionalGuid("complaintId") is not { } id)
        {
            return false;
        }

        try
        {
            await complaints.GetAsync(id, user, cancellationToken);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
