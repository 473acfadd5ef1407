using Crm.Workflow.Common;
using Crm.Workflow.Runtime;

namespace Crm.Modules.Marketing.Campaigns;

/// <summary>
/// What campaigns need of their process (<c>campaign-actions</c>, in workflows/Campaigns): the module owns the contract,
/// the process implements it.
/// </summary>
public interface ICampaignProcess
{
    /// <summary>Starts the campaign's process (budget approval first) in the running engine command; returns the instance id.</summary>
    Task<Guid> StartAsync(EngineUnit unit, Campaign campaign, string approver, string startedBy, CancellationToken cancellationToken);

    /// <summary>A member responded: the process's wait for that member ends (nothing happens when it does not wait).</summary>
    Task MemberRespondedAsync(Guid memberId, CurrentUser user, CancellationToken cancellationToken);
}
