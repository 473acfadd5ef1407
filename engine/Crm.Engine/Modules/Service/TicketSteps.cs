using Crm.Modules.Counterparties;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>When the lead is warned and when the target is breached, for the process's timers.</summary>
public sealed record SlaPlan(DateTimeOffset WarnAt, DateTimeOffset DueAt);

/// <summary>
/// The ticket's steps as the service-ticket process takes them, each in the step's commit: plan the SLA timers,
/// first response, wait for the customer (the clock stops), resume, warn, breach, resolve, close. Handlers call these
/// with the ticket id from the process's protected variables.
/// </summary>
public sealed class TicketSteps(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    public const string Reaction = "reaction", Resolution = "resolution";

    public async Task<SlaPlan> PlanReactionAsync(Guid id, CancellationToken cancellationToken)
    {
        var (ticket, settings, calendar) = await LoadAsync(id, cancellationToken);
        return new SlaPlan(SlaClock.ReactionWarnAt(ticket, calendar, settings.WarnPercent), ticket.ReactionDueAt);
    }

    public async Task RespondAsync(Guid id, string? response, string by, CancellationToken cancellationToken)
    {
        var (ticket, _, calendar) = await LoadAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        SlaClock.Respond(ticket, calendar, now);
        (ticket.Stage, ticket.Assignee) = (TicketStage.InProgress, ticket.Assignee ?? by);
        Record(ticket, "responded", string.IsNullOrWhiteSpace(response) ? "first response" : response.Trim(), by);
    }

    /// <summary>The resolution timers for the work step; a paused clock runs again first (the customer answered).</summary>
    public async Task<SlaPlan> PlanResolutionAsync(Guid id, CancellationToken cancellationToken)
    {
        var (ticket, settings, calendar) = await LoadAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        if (ticket.Stage == TicketStage.WaitingForCustomer)
        {
            SlaClock.Resume(ticket, calendar, now);
            ticket.Stage = TicketStage.InProgress;
            Record(ticket, "resumed", $"clock runs again; due {ticket.ResolutionDueAt:yyyy-MM-dd HH:mm} UTC", "service-ticket");
        }

        return new SlaPlan(SlaClock.ResolutionWarnAt(ticket, calendar, settings.WarnPercent, now), ticket.ResolutionDueAt ?? now);
    }

    public async Task PauseAsync(Guid id, string? note, string by, CancellationToken cancellationToken)
    {
        var (ticket, _, calendar) = await LoadAsync(id, cancellationToken);
        SlaClock.Pause(ticket, calendar, clock.GetUtcNow());
        ticket.Stage = TicketStage.WaitingForCustomer;
        Record(ticket, "waiting", string.IsNullOrWhiteSpace(note) ? "waiting for the customer; the clock stops" : note.Trim(), by);
    }

    /// <summary>A warning share of a target is used: the group's lead is told (once per clock run). Returns the lead, or null when nobody is to be told.</summary>
    public async Task<string?> WarnAsync(Guid id, string which, CancellationToken cancellationToken)
    {
        var (ticket, settings, _) = await LoadAsync(id, cancellationToken);
        if (!ticket.IsOpen || (which == Reaction ? ticket.ReactionWarned || ticket.FirstResponseAt is not null : ticket.ResolutionWarned))
        {
            return null;
        }

        if (which == Reaction) ticket.ReactionWarned = true; else ticket.ResolutionWarned = true;
        var lead = await GroupLeads.OfAsync(db, ticket.Group, cancellationToken);
        Record(ticket, "sla-warning", $"{which}: {settings.WarnPercent} % of the target used" + (lead is null ? "; the group has no lead" : $"; {lead} told"), "service-ticket");
        return lead;
    }

    /// <summary>A target is missed: the ticket is marked and the group's lead is told. Returns the lead, or null when nobody is to be told.</summary>
    public async Task<string?> BreachAsync(Guid id, string which, CancellationToken cancellationToken)
    {
        var (ticket, _, _) = await LoadAsync(id, cancellationToken);
        if (!ticket.IsOpen || (which == Reaction ? ticket.ReactionBreached || ticket.FirstResponseAt is not null : ticket.ResolutionBreached))
        {
            return null;
        }

        if (which == Reaction) ticket.ReactionBreached = true; else ticket.ResolutionBreached = true;
        var lead = await GroupLeads.OfAsync(db, ticket.Group, cancellationToken);
        Record(ticket, "sla-breach", $"{which} target missed" + (lead is null ? "; the group has no lead" : $"; escalated to {lead}"), "service-ticket");
        return lead;
    }

    public async Task ResolveAsync(Guid id, string? resolution, string by, CancellationToken cancellationToken)
    {
        var (ticket, _, calendar) = await LoadAsync(id, cancellationToken);
        SlaClock.Resolve(ticket, calendar, clock.GetUtcNow());
        ticket.Stage = TicketStage.Resolved;
        ticket.Resolution = string.IsNullOrWhiteSpace(resolution) ? null : resolution.Trim()[..Math.Min(resolution.Trim().Length, 4000)];
        Record(ticket, "resolved", ticket.Resolution ?? "resolved", by);
    }

    public async Task CloseAsync(Guid id, string? reason, CancellationToken cancellationToken)
    {
        var (ticket, _, calendar) = await LoadAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        if (ticket.IsOpen)
        {
            SlaClock.Resolve(ticket, calendar, now);   // closed without a resolution (the customer never answered)
        }

        (ticket.Stage, ticket.ClosedAt, ticket.IsOpen) = (TicketStage.Closed, now, false);
        Record(ticket, "closed", string.IsNullOrWhiteSpace(reason) ? "closed" : reason.Trim(), "service-ticket");
    }

    /// <summary>Records that the customer answered (work right checked); the process's message follows in the same commit.</summary>
    public async Task<Ticket> CustomerRepliedAsync(Guid id, string? summary, CurrentUser user, CancellationToken cancellationToken)
    {
        var ticket = await TicketAccess.Visible(db, recordAccess, user).SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException($"Ticket {id} does not exist.");
        if (!TicketAccess.MayWork(ticket, user))
        {
            throw new ForbiddenException("Only the ticket's group, its assignee and process owners record the customer's answer.");
        }

        Record(ticket, "customer-replied", string.IsNullOrWhiteSpace(summary) ? "the customer answered" : summary.Trim(), user.UserName);
        return ticket;
    }

    private async Task<(Ticket Ticket, ServiceSettings Settings, BusinessCalendar Calendar)> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        // At registration the first steps run before the commit: the ticket being added is found too.
        var ticket = await db.Tickets.FindAsync([id], cancellationToken) ?? throw new NotFoundException($"Ticket {id} does not exist.");
        var settings = await ServiceSettingsService.LoadAsync(db, cancellationToken);
        return (ticket, settings, ServiceSettingsService.CalendarOf(settings));
    }

    private DateTimeOffset _lastAt;

    private void Record(Ticket ticket, string kind, string text, string by)
    {
        ticket.Revision++;
        db.TicketEvents.Add(new TicketEvent { TicketId = ticket.Id, At = NextAt(), Kind = kind, Text = text.Length <= 2000 ? text : text[..1999] + "…", By = by });
    }

    /// <summary>Steps of one commit keep their order in the history: each at least a millisecond after the one before.</summary>
    private DateTimeOffset NextAt()
    {
        var now = clock.GetUtcNow();
        // A millisecond apart: SQLite keeps these times to 0.1 ms (DateTimeOffsetToBinaryConverter).
        _lastAt = now >= _lastAt.AddMilliseconds(1) ? now : _lastAt.AddMilliseconds(1);
        return _lastAt;
    }
}
