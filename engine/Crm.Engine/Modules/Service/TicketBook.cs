using Crm.Modules.Counterparties;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using System.Globalization;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Service;

/// <summary>A ticket in a queue or list, with how much of its running SLA target is used (1 = due now).</summary>
public sealed record TicketListItem(Guid Id, string Number, string Subject, Guid? CounterpartyId, string? CounterpartyName, string Classification, TicketPriority Priority,
    int Score, string CustomerTier, TicketStage Stage, string Group, string? Assignee, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, bool Responded,
    bool ReactionBreached, bool ResolutionBreached)
{
    /// <summary>Share of the running target used (0–1+); null while the clock is paused or stopped.</summary>
    public double? Used { get; init; }
}

public sealed record TicketQuery(string? Group = null, bool OpenOnly = true, string? Search = null, string? Classification = null, string? Stage = null,
    Guid? CounterpartyId = null, bool? Breached = null, int Page = 1, int PageSize = 25);

public sealed record TicketView(Guid Id, string Number, string Subject, string? Description, Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId,
    string? PersonName, string Classification, TicketPriority Priority, int Impact, int Urgency, string CustomerTier, int Score, TicketStage Stage, string Group,
    string? Assignee, string RegisteredBy, DateTimeOffset CreatedAt, int ReactionTargetMinutes, int ResolutionTargetMinutes, DateTimeOffset ReactionDueAt,
    DateTimeOffset? FirstResponseAt, double? ReactionMinutes, DateTimeOffset? ResolutionDueAt, double ResolutionUsedMinutes, double PausedMinutes,
    DateTimeOffset? ResolvedAt, double? HandlingMinutes, DateTimeOffset? ClosedAt, bool ReactionBreached, bool ResolutionBreached, double? Used,
    string? Resolution, Guid? CaseId, string? CaseTitle, Guid? ComplaintId, string? ComplaintNumber, Guid? InstanceId, bool AwaitsCustomer, bool CanWork, int Revision);

public sealed record TicketHistoryItem(DateTimeOffset At, string Kind, string Text, string? By);

public sealed record TicketTask(Guid Id, string Name, string ElementId, string? Assignee, DateTimeOffset? DueAt);

/// <summary>One bar of the statistics: a group, classification or month.</summary>
public sealed record TicketStatsRow(string Key, int Tickets, int Resolved, double? AverageReactionMinutes, double? AverageHandlingMinutes, int Breached, double BreachRate);

public sealed record TicketStats(string By, IReadOnlyList<TicketStatsRow> Rows);

/// <summary>Queues, lists, the ticket page and statistics of the service desk; every query filters by what the caller may see.</summary>
public sealed class TicketBook(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    /// <summary>The message a ticket waiting for the customer waits for, correlated by the ticket id.</summary>
    public const string CustomerReplyMessage = "ticket-customer-reply";

    public static readonly IReadOnlyList<string> StatsGroupings = ["group", "classification", "month"];

    /// <summary>
    /// A queue (or list): open tickets of a group by the next SLA instant (breached and nearest first, paused last),
    /// then by score. Served from the (group, open, queue instant) index, so a group's first page costs the same at any size.
    /// </summary>
    public async Task<PagedList<TicketListItem>> ListAsync(TicketQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        // A group's queue, asked by a member: membership already grants every ticket in it, so the query is a plain
        // range of the (group, open, queue instant) index instead of the visibility OR per row.
        var tickets = !string.IsNullOrWhiteSpace(query.Group) && (TicketAccess.SeesAll(recordAccess, user) || user.Groups.Contains(query.Group))
            ? db.Tickets.AsNoTracking()
            : TicketAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Group)) tickets = tickets.Where(t => t.Group == query.Group);
        if (query.OpenOnly) tickets = tickets.Where(t => t.IsOpen);
        if (!string.IsNullOrWhiteSpace(query.Classification)) tickets = tickets.Where(t => t.Classification == query.Classification);
        if (query.CounterpartyId is { } company) tickets = tickets.Where(t => t.CounterpartyId == company);
        if (query.Breached == true) tickets = tickets.Where(t => t.ReactionBreached || t.ResolutionBreached);
        if (!string.IsNullOrWhiteSpace(query.Stage))
        {
            var stage = Enum.TryParse<TicketStage>(query.Stage.Replace("-", "", StringComparison.Ordinal), true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed : throw ValidationFailedException.For("stage", $"Use one of: {string.Join(", ", Enum.GetNames<TicketStage>().Select(n => n.ToLowerInvariant()))}.");
            tickets = tickets.Where(t => t.Stage == stage);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + query.Search.Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            tickets = tickets.Where(t => EF.Functions.Like(t.Number.ToLower(), pattern) || EF.Functions.Like(t.Subject.ToLower(), pattern));
        }

        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await tickets.CountAsync(cancellationToken);
        var ordered = query.OpenOnly ? tickets.OrderBy(t => t.QueueAt).ThenByDescending(t => t.Score).ThenBy(t => t.Sequence) : tickets.OrderByDescending(t => t.CreatedAt);
        var rows = await ordered.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var names = await NamesAsync([.. rows.Select(r => r.CounterpartyId).OfType<Guid>()], cancellationToken);
        var calendar = ServiceSettingsService.CalendarOf(await ServiceSettingsService.LoadAsync(db, cancellationToken));
        var now = clock.GetUtcNow();
        return new PagedList<TicketListItem>([.. rows.Select(t => Item(t, names, calendar, now))], total, page, pageSize);
    }

    public async Task<byte[]> ExportAsync(TicketQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var rows = (await ListAsync(query with { Page = 1, PageSize = Paging.MaxPageSize }, user, cancellationToken)).Items;
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "tickets", null, new { query.Group, query.OpenOnly, query.Search }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Tickets", ["Number", "Subject", "Customer", "Classification", "Priority", "Score", "Stage", "Group", "Assignee", "Created", "Due", "Breached"],
            rows.Select(r => (IReadOnlyList<object?>)[r.Number, r.Subject, r.CounterpartyName, r.Classification, r.Priority.ToString(), r.Score, r.Stage.ToString(), r.Group,
                r.Assignee, r.CreatedAt.UtcDateTime, r.DueAt?.UtcDateTime, r.ReactionBreached || r.ResolutionBreached ? "yes" : ""]));
    }

    public async Task<TicketView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var t = await TicketAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken) ?? throw new NotFoundException($"Ticket {id} does not exist.");
        var company = t.CounterpartyId is { } cid ? await db.Counterparties.Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var person = t.PersonId is { } pid ? await db.Persons.Where(p => p.Id == pid).Select(p => p.FirstName + " " + p.LastName).FirstOrDefaultAsync(cancellationToken) : null;
        // Only a case the viewer may see is named.
        var caseTitle = t.CaseId is { } caseId ? await Crm.Modules.Counterparties.Cases.CaseAccess.Visible(db, recordAccess, user).Where(c => c.Id == caseId).Select(c => c.Title).FirstOrDefaultAsync(cancellationToken) : null;
        var complaint = t.ComplaintId is { } complaintId ? await db.Complaints.Where(c => c.Id == complaintId).Select(c => c.Number).FirstOrDefaultAsync(cancellationToken) : null;
        var awaits = t.InstanceId is { } instance && t.Stage == TicketStage.WaitingForCustomer
            && await db.MessageSubscriptions.AnyAsync(m => m.InstanceId == instance && m.MessageName == CustomerReplyMessage, cancellationToken);
        var calendar = ServiceSettingsService.CalendarOf(await ServiceSettingsService.LoadAsync(db, cancellationToken));
        var now = clock.GetUtcNow();
        return new TicketView(t.Id, t.Number, t.Subject, t.Description, t.CounterpartyId, company, t.PersonId, person, t.Classification, t.Priority, t.Impact, t.Urgency,
            t.CustomerTier, t.Score, t.Stage, t.Group, t.Assignee, t.RegisteredBy, t.CreatedAt, t.ReactionTargetMinutes, t.ResolutionTargetMinutes, t.ReactionDueAt,
            t.FirstResponseAt, t.ReactionMinutes, t.ResolutionDueAt, t.ResolutionUsedMinutes, t.PausedMinutes, t.ResolvedAt, t.HandlingMinutes, t.ClosedAt,
            t.ReactionBreached, t.ResolutionBreached, t.IsOpen && t.ClockRunningSince is not null ? SlaClock.Used(t, calendar, now) : null, t.Resolution, caseTitle is null ? null : t.CaseId, caseTitle,
            t.ComplaintId, complaint, t.InstanceId, awaits, TicketAccess.MayWork(t, user) && t.IsOpen, t.Revision);
    }

    public async Task<List<TicketHistoryItem>> HistoryAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await TicketAccess.Visible(db, recordAccess, user).AnyAsync(t => t.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Ticket {id} does not exist.");
        }

        return await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == id).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(500)
            .Select(e => new TicketHistoryItem(e.At, e.Kind, e.Text, e.By)).ToListAsync(cancellationToken);
    }

    public async Task<List<TicketTask>> OpenTasksAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var instance = await TicketAccess.Visible(db, recordAccess, user).Where(t => t.Id == id).Select(t => new { t.InstanceId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Ticket {id} does not exist.");
        return instance.InstanceId is not { } instanceId ? [] : await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null).OrderBy(t => t.CreatedAt)
            .Select(t => new TicketTask(t.Id, t.Name, t.ElementId, t.Assignee, t.DueAt)).ToListAsync(cancellationToken);
    }

    /// <summary>Average reaction and handling (working minutes) and breach rate of the visible tickets created from..to, per group, classification or month.</summary>
    public async Task<TicketStats> StatsAsync(string? by, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        by = string.IsNullOrWhiteSpace(by) ? "group" : by.Trim().ToLowerInvariant();
        if (!StatsGroupings.Contains(by))
        {
            throw ValidationFailedException.For("by", $"Group by one of: {string.Join(", ", StatsGroupings)}.");
        }

        var tickets = TicketAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (from is { } start) tickets = tickets.Where(t => t.CreatedAt >= new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (to is { } end) tickets = tickets.Where(t => t.CreatedAt < new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var rows = await tickets.Select(t => new { t.Group, t.Classification, t.CreatedAt, t.ReactionMinutes, t.HandlingMinutes, t.IsOpen, Breached = t.ReactionBreached || t.ResolutionBreached })
            .ToListAsync(cancellationToken);
        var grouped = rows.GroupBy(r => by switch
            {
                "classification" => r.Classification,
                "month" => r.CreatedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                _ => r.Group,
            })
            .Select(g =>
            {
                var reactions = g.Where(r => r.ReactionMinutes is not null).Select(r => r.ReactionMinutes!.Value).ToList();
                var handling = g.Where(r => !r.IsOpen && r.HandlingMinutes is not null).Select(r => r.HandlingMinutes!.Value).ToList();
                var breached = g.Count(r => r.Breached);
                return new TicketStatsRow(g.Key, g.Count(), handling.Count, reactions.Count == 0 ? null : Math.Round(reactions.Average(), 1),
                    handling.Count == 0 ? null : Math.Round(handling.Average(), 1), breached, Math.Round((double)breached / g.Count(), 3));
            })
            .OrderBy(r => by == "month" ? r.Key : "").ThenByDescending(r => r.Tickets).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new TicketStats(by, grouped);
    }

    public async Task<byte[]> ExportStatsAsync(string? by, DateOnly? from, DateOnly? to, CurrentUser user, CancellationToken cancellationToken)
    {
        var stats = await StatsAsync(by, from, to, user, cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "ticket-stats", null, new { stats.By, from, to }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Service desk", [stats.By, "Tickets", "Resolved", "Average reaction (working min)", "Average handling (working min)", "Breached", "Breach rate"],
            stats.Rows.Select(r => (IReadOnlyList<object?>)[r.Key, r.Tickets, r.Resolved, r.AverageReactionMinutes, r.AverageHandlingMinutes, r.Breached, r.BreachRate]));
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(List<Guid> ids, CancellationToken cancellationToken) => ids.Count == 0 ? [] :
        await db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);

    private static TicketListItem Item(Ticket t, Dictionary<Guid, string> names, BusinessCalendar calendar, DateTimeOffset now) =>
        new(t.Id, t.Number, t.Subject, t.CounterpartyId, t.CounterpartyId is { } c ? names.GetValueOrDefault(c) : null, t.Classification, t.Priority, t.Score, t.CustomerTier,
            t.Stage, t.Group, t.Assignee, t.CreatedAt, t.IsOpen && t.QueueAt != Ticket.Paused ? t.QueueAt : null, t.FirstResponseAt is not null, t.ReactionBreached, t.ResolutionBreached)
        {
            Used = t.IsOpen && (t.FirstResponseAt is null || t.ClockRunningSince is not null) ? SlaClock.Used(t, calendar, now) : null,
        };
}
