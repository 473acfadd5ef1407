using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Campaigns;

/// <summary>A case a campaign opened was won: its member is converted (in the commit that closes the case).</summary>
public sealed class CampaignCaseOutcomes(CrmDbContext db, TimeProvider clock) : ICaseOutcomeListener
{
    public async Task ClosedAsync(CrmCase item, CancellationToken cancellationToken)
    {
        if (item.CampaignId is null || item.Outcome != CaseOutcome.Won)
        {
            return;
        }

        foreach (var member in await db.CampaignMembers.Where(m => m.CaseId == item.Id && m.State != MemberState.OptedOut && m.State != MemberState.Converted).ToListAsync(cancellationToken))
        {
            (member.State, member.StateAt) = (MemberState.Converted, clock.GetUtcNow());
        }
    }
}
