using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

/// <summary>A company's timeline shows its complaints' steps and notes (only of complaints the viewer may see).</summary>
internal sealed class ComplaintTimelineSource(CrmDbContext db, CounterpartyAccess recordAccess) : ICounterpartyTimelineSource
{
    private static readonly string[] Shown = ["registered", "decided", "accepted-by-default", "answered", "closed", "note", "expertise"];

    public async Task<IReadOnlyList<TimelineItem>> TimelineAsync(Guid counterpartyId, CurrentUser user, int limit, CancellationToken cancellationToken)
    {
        var complaints = ComplaintAccess.Visible(db, recordAccess, user).Where(c => c.CounterpartyId == counterpartyId);
        var rows = await db.ComplaintEvents.AsNoTracking()
            .Where(e => Shown.Contains(e.Kind) && complaints.Any(c => c.Id == e.ComplaintId))
            .OrderByDescending(e => e.At).Take(limit)
            .Select(e => new { e.Id, e.ComplaintId, e.At, e.Kind, e.Text, e.By, Number = db.Complaints.Where(c => c.Id == e.ComplaintId).Select(c => c.Number + " " + c.Subject).First() })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TimelineItem(r.At, "Complaint", r.Number, $"{r.Kind}: {r.Text}", r.By, r.Id, false, $"complaints/{r.ComplaintId}") { Event = r.Kind, EventText = r.Text })];
    }
}
