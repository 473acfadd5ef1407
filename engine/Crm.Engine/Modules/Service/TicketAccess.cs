using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Service;

/// <summary>Record level for tickets, as for cases: process owners, admins and compliance see all; others their group's, their own and those of counterparties they see.</summary>
public static class TicketAccess
{
    public static bool SeesAll(CurrentUser user) => user.IsProcessOwner || user.Roles.Contains(Roles.Compliance);

    public static IQueryable<Ticket> Visible(CrmDbContext db, CurrentUser user)
    {
        if (SeesAll(user))
        {
            return db.Tickets;
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var companies = CounterpartyAccess.Visible(db.Counterparties, user);
        return db.Tickets.Where(t => groups.Contains(t.Group) || t.Assignee == name || t.RegisteredBy == name
            || (t.CounterpartyId != null && companies.Any(c => c.Id == t.CounterpartyId)));
    }

    /// <summary>Working on a ticket: its group, its assignee, process owners.</summary>
    public static bool MayWork(Ticket ticket, CurrentUser user) => user.Groups.Contains(ticket.Group) || ticket.Assignee == user.UserName || user.IsProcessOwner;
}
