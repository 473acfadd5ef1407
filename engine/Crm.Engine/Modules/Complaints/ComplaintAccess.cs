using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Complaints;

/// <summary>
/// Record level for complaints, as for cases: nothing without the read right on complaints; all for those whose record rules open all counterparties (shipped: process owners, admins, compliance); others the complaints they
/// own or registered, those of their handling group, and those of counterparties they see.
/// </summary>
public static class ComplaintAccess
{
    public static bool SeesAll(CounterpartyAccess recordAccess, CurrentUser user) => recordAccess.SeesAll(user, AccessObjects.Complaint);

    public static IQueryable<Complaint> Visible(CrmDbContext db, CounterpartyAccess recordAccess, CurrentUser user)
    {
        if (!recordAccess.Can(user, AccessObjects.Complaint, AccessRights.Read))
        {
            return db.Complaints.Where(c => false);
        }

        if (SeesAll(recordAccess, user))
        {
            return db.Complaints;
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var companies = recordAccess.Visible(db.Counterparties, user);
        return db.Complaints.Where(c => c.Owner == name || c.RegisteredBy == name || groups.Contains(c.HandlingGroup)
            || (c.CounterpartyId != null && companies.Any(x => x.Id == c.CounterpartyId)));
    }

    /// <summary>Editing details, costs and notes: with the edit right on complaints, the owner, the handling group, process owners. Compliance reads only.</summary>
    public static bool MayEdit(CounterpartyAccess recordAccess, Complaint complaint, CurrentUser user) =>
        recordAccess.Can(user, AccessObjects.Complaint, AccessRights.Edit)
        && (complaint.Owner == user.UserName || user.Groups.Contains(complaint.HandlingGroup) || user.IsProcessOwner);
}
