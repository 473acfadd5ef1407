using System.Text.Json.Nodes;
using Crm.Modules.Service;
using Crm.Workflow.Common;
using Crm.Workflow.Tasks;

namespace Crm.Workflows.ServiceTicket;

/// <summary>A ticket process's protected values are shown to those who may see the ticket.</summary>
public sealed class TicketObjectAccess(TicketBook tickets) : IProcessObjectAccess
{
    public string ProcessKey => TicketProcess.Key;

    public async Task<bool> MaySeeAsync(IReadOnlyDictionary<string, JsonNode?> variables, CurrentUser user, CancellationToken cancellationToken)
    {
        if (variables.OptionalGuid("ticketId") is not { } id)
        {
            return false;
        }

        try
        {
            await tickets.GetAsync(id, user, cancellationToken);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
