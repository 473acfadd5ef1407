using System.Text.Json.Nodes;
using Crm.Modules.Documents;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.DocumentCheckout;

/// <summary>A check-out's protected values (document, file, addresses) are shown to those who may read the document.</summary>
public sealed class CheckoutObjectAccess(DocumentAccess access) : IProcessObjectAccess
{
    public string ProcessKey => CheckoutProcess.Key;

    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (variables.OptionalGuid("documentId") is not { } id)
        {
            return false;
        }

        try
        {
            await access.RequireAsync(id, DocumentRights.Read, user, cancellationToken);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
