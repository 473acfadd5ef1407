using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Service;

/// <summary>Record level for tickets, as for cases: those whose record rules open all counterparties see all (shipped: process owners, admins, compliance); others their group's, their own and those of counterparties they see.</summary>
public static class TicketAccess
{
    public static bool SeesAll(CounterpartyAccess recordAccess, CurrentUser user) => recordAccess.SeesAll(user);

    public static IQueryable<Ticket> Visible(CrmDbContext db, CounterpartyAccess recordAccess, CurrentUser user)
    {
        if (SeesAll(recordAccess, user))
        {
            return db.Tickets;
        }

        var name = user.UserName;
        var groups = user.Groups.ToList();
        var companies = recordAccess.Visible(db.Counterparties, user);
        return db.Tickets.Where(t => groups.Contains(t.Group) || t.Assignee == name || t.RegisteredBy == name
            || (t.CounterpartyId != null && companies.Any(c => c.Id == t.CounterpartyId)));
    }

    /// <summary>Working on a ticket: its group, its assignee, process owners.</summary>
    public static bool MayWork(Ticket ticket, CurrentUser user) => user.Groups.Contains(ticket.Group) || ticket.Assignee == user.UserName || user.IsProcessOwner;
}
