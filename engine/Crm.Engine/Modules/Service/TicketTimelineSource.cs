using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>A company's timeline shows its tickets' main steps (only of tickets the viewer may see).</summary>
internal sealed class TicketTimelineSource(CrmDbContext db, CounterpartyAccess recordAccess) : ICounterpartyTimelineSource
{
    private static readonly string[] Shown = ["registered", "responded", "waiting", "customer-replied", "sla-breach", "resolved", "closed", "complaint"];

    public async Task<IReadOnlyList<TimelineItem>> TimelineAsync(Guid counterpartyId, CurrentUser user, int limit, CancellationToken cancellationToken)
    {
        var tickets = TicketAccess.Visible(db, recordAccess, user).Where(t => t.CounterpartyId == counterpartyId);
        var rows = await db.TicketEvents.AsNoTracking()
            .Where(e => Shown.Contains(e.Kind) && tickets.Any(t => t.Id == e.TicketId))
            .OrderByDescending(e => e.At).Take(limit)
            .Select(e => new { e.Id, e.TicketId, e.At, e.Kind, e.Text, e.By, Title = db.Tickets.Where(t => t.Id == e.TicketId).Select(t => t.Number + " " + t.Subject).First() })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TimelineItem(r.At, "Ticket", r.Title, $"{r.Kind}: {r.Text}", r.By, r.Id, r.Kind == "sla-breach", $"service/{r.TicketId}") { Event = r.Kind, EventText = r.Text })];
    }
}
