using Crm.Modules.Counterparties;
using Crm.Modules.Complaints;
using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>A ticket linked to a sales case, or turned into a complaint (registered from the ticket and linked back, in one commit).</summary>
public sealed class TicketLinks(CrmDbContext db, CounterpartyAccess recordAccess, RegisterComplaint registerComplaint, ProcessEngine engine, TimeProvider clock)
{
    public async Task LinkCaseAsync(Guid ticketId, Guid? caseId, CurrentUser user, CancellationToken cancellationToken)
    {
        var ticket = await WorkableAsync(ticketId, user, cancellationToken);
        if (caseId is { } id && !await CaseAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Case {id} does not exist.");
        }

        ticket.CaseId = caseId;
        ticket.Revision++;
        db.TicketEvents.Add(new TicketEvent { TicketId = ticketId, At = clock.GetUtcNow(), Kind = "linked", Text = caseId is null ? "case unlinked" : $"case {caseId}", By = user.UserName });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The ticket moved on meanwhile; reload it and link the case again.");
        }
    }

    /// <summary>Registers a complaint from the ticket (its subject, description and customer) and links it; 409 when the ticket already has one.</summary>
    public Task<RegisteredComplaint> TurnIntoComplaintAsync(Guid ticketId, string? demand, CurrentUser user, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(async _ =>
        {
            var ticket = await WorkableAsync(ticketId, user, cancellationToken);
            if (ticket.ComplaintId is not null)
            {
                throw new ConflictException($"Ticket {ticket.Number} is already a complaint.");
            }

            var registered = await registerComplaint.RunAsync(new RegisterComplaintRequest(ticket.Subject, ticket.CounterpartyId, ticket.PersonId,
                ticket.CounterpartyId is null ? "consumer" : "business", "other", null, null, null, null, null, DateOnly.FromDateTime(ticket.CreatedAt.UtcDateTime), "web",
                $"{ticket.Number}: {ticket.Description ?? ticket.Subject}"[..Math.Min(4000, $"{ticket.Number}: {ticket.Description ?? ticket.Subject}".Length)], demand ?? "repair"), user, cancellationToken);
            ticket.ComplaintId = registered.Id;
            ticket.Revision++;
            db.TicketEvents.Add(new TicketEvent { TicketId = ticketId, At = clock.GetUtcNow(), Kind = "complaint", Text = $"turned into complaint {registered.Number}", By = user.UserName });
            return registered;
        }, cancellationToken);

    private async Task<Ticket> WorkableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var ticket = await TicketAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException($"Ticket {id} does not exist.");
        return TicketAccess.MayWork(ticket, user) ? ticket : throw new ForbiddenException("Only the ticket's group, its assignee and process owners change it.");
    }
}
