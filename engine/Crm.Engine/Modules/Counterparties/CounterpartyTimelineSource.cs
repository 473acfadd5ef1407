using Crm.Platform.Common;
using Crm.Workflow.Common;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Another module's entries on a company's timeline (complaints, tickets …): the CRM owns the contract, the module
/// implements it, so the company page shows them without the CRM knowing that module.
/// </summary>
[ModuleContract]
public interface ICounterpartyTimelineSource
{
    /// <summary>The entries about this counterparty that the user may see, newest first (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<TimelineItem>> TimelineAsync(Guid counterpartyId, CurrentUser user, int limit, CancellationToken cancellationToken);
}
