using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Complaints;

/// <summary>
/// Record level for complaints, as for cases: process owners, admins and compliance see all; others the complaints they
/// own or registered, those of their handling group, and those of counterparties they see.
/// </summary>
public static class ComplaintAccess
{
    public static bool SeesAll(CurrentUser user) => user.IsProcessOwner || user.Roles.Contains(Roles.Compliance);

    public static IQueryable<Complaint> Visible(CrmDbContext db, CurrentUser user)
    {
        if (SeesAll(user))
        {
            return db.Complaints;
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var companies = CounterpartyAccess.Visible(db.Counterparties, user);
        return db.Complaints.Where(c => c.Owner == name || c.RegisteredBy == name || groups.Contains(c.HandlingGroup)
            || (c.CounterpartyId != null && companies.Any(x => x.Id == c.CounterpartyId)));
    }

    /// <summary>Editing details, costs and notes: the owner, the handling group, process owners. Compliance reads only.</summary>
    public static bool MayEdit(Complaint complaint, CurrentUser user) =>
        complaint.Owner == user.UserName || user.Groups.Contains(complaint.HandlingGroup) || user.IsProcessOwner;
}
