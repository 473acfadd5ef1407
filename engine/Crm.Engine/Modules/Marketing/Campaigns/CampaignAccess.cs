using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Marketing.Campaigns;

/// <summary>
/// Campaigns need the read right on campaigns; then all for those whose record rules open every record (shipped:
/// admins, process owners, compliance), otherwise the campaigns one owns, created or is on the team of. Members are
/// further limited to the counterparties one sees.
/// </summary>
public static class CampaignAccess
{
    public static IQueryable<Campaign> Visible(CrmDbContext db, CounterpartyAccess recordAccess, CurrentUser user)
    {
        if (!recordAccess.Can(user, AccessObjects.Campaign, AccessRights.Read))
        {
            return db.Campaigns.Where(c => false);
        }

        if (recordAccess.SeesAll(user, AccessObjects.Campaign))
        {
            return db.Campaigns;
        }

        var name = user.UserName;
        var member = "," + name + ",";
        return db.Campaigns.Where(c => c.Owner == name || c.CreatedBy == name || ("," + c.Team + ",").Contains(member));
    }

    /// <summary>Changing a campaign: the edit right, and owner, team, or a process owner.</summary>
    public static bool MayEdit(CounterpartyAccess recordAccess, Campaign campaign, CurrentUser user) =>
        recordAccess.Can(user, AccessObjects.Campaign, AccessRights.Edit)
        && (campaign.Owner == user.UserName || TeamOf(campaign).Contains(user.UserName) || user.IsProcessOwner);

    public static IReadOnlyList<string> TeamOf(Campaign campaign) =>
        (campaign.Team ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
