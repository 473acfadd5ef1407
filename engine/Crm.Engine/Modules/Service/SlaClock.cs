namespace Crm.Modules.Service;

/// <summary>
/// A ticket's two SLA clocks in working time: reaction (registration to first response) and resolution (registration to
/// resolution, not counting the time spent waiting for the customer). Pure arithmetic on the ticket's columns.
/// </summary>
public static class SlaClock
{
    public static void Start(Ticket ticket, BusinessCalendar calendar)
    {
        ticket.ReactionDueAt = calendar.AddWorkingMinutes(ticket.CreatedAt, ticket.ReactionTargetMinutes);
        ticket.ClockRunningSince = ticket.CreatedAt;
        ticket.ResolutionUsedMinutes = 0;
        ticket.ResolutionDueAt = calendar.AddWorkingMinutes(ticket.CreatedAt, ticket.ResolutionTargetMinutes);
        ticket.IsOpen = true;
        ticket.QueueAt = ticket.ReactionDueAt;
    }

    /// <summary>When the lead is warned about the reaction (the warning share of its target).</summary>
    public static DateTimeOffset ReactionWarnAt(Ticket ticket, BusinessCalendar calendar, int warnPercent) =>
        calendar.AddWorkingMinutes(ticket.CreatedAt, ticket.ReactionTargetMinutes * warnPercent / 100.0);

    /// <summary>When the lead is warned about the resolution; the running clock's start plus what is left of the warning share.</summary>
    public static DateTimeOffset ResolutionWarnAt(Ticket ticket, BusinessCalendar calendar, int warnPercent, DateTimeOffset now)
    {
        if (ticket.ClockRunningSince is not { } since)
        {
            return now;
        }

        var left = (ticket.ResolutionTargetMinutes * warnPercent / 100.0) - ticket.ResolutionUsedMinutes;
        return left <= 0 ? since : calendar.AddWorkingMinutes(since, left);
    }

    public static void Respond(Ticket ticket, BusinessCalendar calendar, DateTimeOffset now)
    {
        ticket.FirstResponseAt ??= now;
        ticket.ReactionMinutes ??= calendar.WorkingMinutesBetween(ticket.CreatedAt, now);
        ticket.ReactionBreached |= now > ticket.ReactionDueAt;
        ticket.QueueAt = ticket.ResolutionDueAt ?? Ticket.Paused;
    }

    /// <summary>Waiting for the customer: the resolution clock stops; what ran so far is kept.</summary>
    public static void Pause(Ticket ticket, BusinessCalendar calendar, DateTimeOffset now)
    {
        if (ticket.ClockRunningSince is { } since)
        {
            ticket.ResolutionUsedMinutes += calendar.WorkingMinutesBetween(since, now);
        }

        (ticket.ClockRunningSince, ticket.ResolutionDueAt, ticket.PausedAt, ticket.QueueAt) = (null, null, now, Ticket.Paused);
    }

    /// <summary>The customer answered: the clock runs again and its due instant moves by the working time it stood still.</summary>
    public static void Resume(Ticket ticket, BusinessCalendar calendar, DateTimeOffset now)
    {
        if (ticket.PausedAt is { } paused)
        {
            ticket.PausedMinutes += calendar.WorkingMinutesBetween(paused, now);
            ticket.PausedAt = null;
        }

        if (ticket.ClockRunningSince is null)
        {
            ticket.ClockRunningSince = now;
            ticket.ResolutionDueAt = calendar.AddWorkingMinutes(now, Math.Max(0, ticket.ResolutionTargetMinutes - ticket.ResolutionUsedMinutes));
        }

        ticket.QueueAt = ticket.FirstResponseAt is null ? ticket.ReactionDueAt : ticket.ResolutionDueAt!.Value;
    }

    public static void Resolve(Ticket ticket, BusinessCalendar calendar, DateTimeOffset now)
    {
        var used = ticket.ResolutionUsedMinutes + (ticket.ClockRunningSince is { } since ? calendar.WorkingMinutesBetween(since, now) : 0);
        ticket.HandlingMinutes = used;
        ticket.ResolutionBreached |= used > ticket.ResolutionTargetMinutes;
        ticket.ResolutionUsedMinutes = used;
        (ticket.ClockRunningSince, ticket.ResolvedAt, ticket.IsOpen) = (null, now, false);
    }

    /// <summary>Share of the running target used so far (0–1+), for the queue's colours.</summary>
    public static double Used(Ticket ticket, BusinessCalendar calendar, DateTimeOffset now)
    {
        if (ticket.FirstResponseAt is null)
        {
            return ticket.ReactionTargetMinutes == 0 ? 0 : calendar.WorkingMinutesBetween(ticket.CreatedAt, now) / ticket.ReactionTargetMinutes;
        }

        var used = ticket.ResolutionUsedMinutes + (ticket.ClockRunningSince is { } since ? calendar.WorkingMinutesBetween(since, now) : 0);
        return ticket.ResolutionTargetMinutes == 0 ? 0 : used / ticket.ResolutionTargetMinutes;
    }
}
