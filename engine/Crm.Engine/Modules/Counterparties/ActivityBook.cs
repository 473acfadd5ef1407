using Crm.Platform.Common;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

public sealed record ActivityListItem(Guid Id, ActivityType Type, string Direction, DateTimeOffset At, int DurationMinutes, string Subject, ActivityStatus Status,
    string Employee, Guid CounterpartyId, string CounterpartyName, Guid? CaseId, string? CaseTitle, Guid? PreviousActivityId, bool HasFollowUp, bool Overdue,
    Guid? PersonId, string? PersonName);

/// <summary>
/// Which activities: <c>planned</c> (default), <c>overdue</c> (planned in the past), <c>done</c>, <c>cancelled</c> or <c>all</c>;
/// whose (an employee; default the caller, <c>*</c> for everyone visible); planned ones earliest first, others newest first unless
/// <c>Sort</c> names one of <see cref="ActivityBook.SortFields"/>; <c>Columns</c> (besides the subject) for the export.
/// </summary>
public sealed record ActivityListQuery(string? Show = null, string? Employee = null, Guid? CounterpartyId = null, int Page = 1, int PageSize = 25,
    IReadOnlyList<Fields.FieldFilter>? Filters = null, string? Sort = null, bool Descending = false, IReadOnlyList<string>? Columns = null, Guid? PersonId = null);

/// <summary>The activity list (planned contacts, overdue first), closing activities and planning the next one in the chain.</summary>
public sealed class ActivityBook(CrmDbContext db, CounterpartyAccess recordAccess, CrmActivityService activities, TimeProvider clock)
{
    public async Task<PagedList<ActivityListItem>> ListAsync(ActivityListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var (rows, show, now) = Filtered(query, user);
        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await rows.CountAsync(cancellationToken);
        var items = await Ordered(rows, show, query).Skip((page - 1) * pageSize).Take(pageSize).Select(Item(now)).ToListAsync(cancellationToken);
        return new PagedList<ActivityListItem>(items, total, page, pageSize);
    }

    /// <summary>The same activities as .xlsx (at most <see cref="CounterpartyService.ExportCap"/>).</summary>
    public async Task<byte[]> ExportAsync(ActivityListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var (rows, show, now) = Filtered(query, user);
        if (await rows.Take(CounterpartyService.ExportCap + 1).CountAsync(cancellationToken) > CounterpartyService.ExportCap)
        {
            throw ValidationFailedException.For("filter", $"The export would have more than {CounterpartyService.ExportCap:N0} rows; narrow the filter.");
        }

        var chosen = Fields.ListPreferences.Resolve(query.Columns, DefaultColumns, ColumnCatalogue());
        var items = await Ordered(rows, show, query).Select(Item(now)).ToListAsync(cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "activities", null, new { query.Show, query.Employee }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Activities", ["Subject", .. chosen.Select(c => c.Label), "Overdue"],
            items.Select(a => (IReadOnlyList<object?>)[a.Subject, .. chosen.Select(c => ValueOf(a, c.Key) is DateTimeOffset at
                ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : ValueOf(a, c.Key)), a.Overdue]));
    }

    /// <summary>The list's key in <c>list_preferences</c>.</summary>
    public const string ListKey = "activities";

    /// <summary>The columns the list shows besides the subject, until the user chooses.</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["at", "type", "counterparty", "case", "employee"];

    public static readonly IReadOnlyList<string> SortFields = ["at", "subject", "type", "direction", "status", "counterparty", "employee", "durationMinutes"];

    /// <summary>The columns one can choose: every filterable field but the subject (always shown), the case and the person.</summary>
    public static List<Fields.ListField> ColumnCatalogue() =>
        [.. Fields.RecordFilters.ActivityCatalogue().Where(f => f.Key != "subject"), new("case", "Case", "text", false, false, []), new("person", "Person", "text", false, false, [])];

    public Task<IReadOnlyList<string>?> SavedColumnsAsync(CurrentUser user, CancellationToken cancellationToken) => Fields.ListPreferences.ColumnsAsync(db, user, ListKey, cancellationToken);

    public Task SaveColumnsAsync(CurrentUser user, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        Fields.ListPreferences.Resolve(columns, DefaultColumns, ColumnCatalogue());
        return Fields.ListPreferences.SaveAsync(db, user, ListKey, columns, cancellationToken);
    }

    /// <summary>A column's value of a row, as a cell.</summary>
    public static object? ValueOf(ActivityListItem row, string key) => key switch
    {
        "at" => row.At,
        "type" => row.Type.ToString(),
        "direction" => row.Direction,
        "status" => row.Status.ToString(),
        "counterparty" => row.CounterpartyName,
        "case" => row.CaseTitle,
        "person" => row.PersonName,
        "employee" => row.Employee,
        "durationMinutes" => row.DurationMinutes,
        _ => null,
    };

    private (IQueryable<Activity> Rows, string Show, DateTimeOffset Now) Filtered(ActivityListQuery query, CurrentUser user)
    {
        var now = clock.GetUtcNow();
        var companies = recordAccess.Visible(db.Counterparties, user);
        var rows = db.Activities.AsNoTracking().Where(a => companies.Any(c => c.Id == a.CounterpartyId));
        var employee = string.IsNullOrWhiteSpace(query.Employee) ? user.UserName : query.Employee.Trim();
        if (employee != "*") rows = rows.Where(a => a.Employee == employee);
        if (query.CounterpartyId is { } counterpartyId) rows = rows.Where(a => a.CounterpartyId == counterpartyId);
        if (query.PersonId is { } personId) rows = rows.Where(a => a.PersonId == personId);
        var show = (query.Show ?? "planned").Trim().ToLowerInvariant();
        rows = show switch
        {
            "planned" => rows.Where(a => a.Status == ActivityStatus.Planned),
            "overdue" => rows.Where(a => a.Status == ActivityStatus.Planned && a.At < now),
            "today" => Today(rows, now),
            "done" => rows.Where(a => a.Status == ActivityStatus.Done),
            "cancelled" => rows.Where(a => a.Status == ActivityStatus.Cancelled),
            "all" => rows,
            _ => throw ValidationFailedException.For("show", "Use planned, today, overdue, done, cancelled or all."),
        };
        return (Fields.RecordFilters.ApplyToActivities(rows, query.Filters, db), show, now);
    }

    /// <summary>Planned for the rest of today (server's local day), not yet overdue: what is still to do today.</summary>
    private static IQueryable<Activity> Today(IQueryable<Activity> rows, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.Local);
        var endOfDay = new DateTimeOffset(local.Date.AddDays(1), local.Offset);
        return rows.Where(a => a.Status == ActivityStatus.Planned && a.At >= now && a.At < endOfDay);
    }

    /// <summary>The chosen order (ties by date, then id), or the work-list order: planned earliest (overdue) first, others newest first.</summary>
    private IOrderedQueryable<Activity> Ordered(IQueryable<Activity> rows, string show, ActivityListQuery query)
    {
        IOrderedQueryable<Activity> By<TKey>(System.Linq.Expressions.Expression<Func<Activity, TKey>> key) => query.Descending ? rows.OrderByDescending(key) : rows.OrderBy(key);
        var ordered = query.Sort switch
        {
            null or "" => show is "planned" or "overdue" ? rows.OrderBy(a => a.At) : rows.OrderByDescending(a => a.At),
            "at" => By(a => a.At),
            "subject" => By(a => a.Subject),
            "type" => By(a => a.Type),
            "direction" => By(a => a.Direction),
            "status" => By(a => a.Status),
            "counterparty" => By(a => db.Counterparties.Where(c => c.Id == a.CounterpartyId).Select(c => c.Name).FirstOrDefault()),
            "employee" => By(a => a.Employee),
            "durationMinutes" => By(a => a.DurationMinutes),
            _ => throw ValidationFailedException.For("sort", $"Sort by one of: {string.Join(", ", SortFields)}."),
        };
        return ordered.ThenBy(a => a.At).ThenBy(a => a.Id);
    }

    private System.Linq.Expressions.Expression<Func<Activity, ActivityListItem>> Item(DateTimeOffset now) =>
        a => new ActivityListItem(a.Id, a.Type, a.Direction, a.At, a.DurationMinutes, a.Subject, a.Status, a.Employee, a.CounterpartyId,
            db.Counterparties.Where(c => c.Id == a.CounterpartyId).Select(c => c.Name).First(), a.CaseId,
            db.Cases.Where(c => c.Id == a.CaseId).Select(c => c.Title).FirstOrDefault(), a.PreviousActivityId,
            db.Activities.Any(n => n.PreviousActivityId == a.Id), a.Status == ActivityStatus.Planned && a.At < now,
            a.PersonId, db.Persons.Where(p => p.Id == a.PersonId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault());

    /// <summary>Marks a planned activity done (with its duration) or cancelled: the employee it belongs to, or a manager.</summary>
    public async Task SetStatusAsync(Guid id, string? status, int? durationMinutes, CurrentUser user, CancellationToken cancellationToken)
    {
        var activity = await RequireAsync(id, user, cancellationToken);
        if (activity.Employee != user.UserName && !user.IsProcessOwner)
        {
            throw new ForbiddenException("Only the employee the activity belongs to (or a manager) may close it.");
        }

        var target = (status ?? "").Trim().ToLowerInvariant() switch
        {
            "done" => ActivityStatus.Done,
            "cancelled" => ActivityStatus.Cancelled,
            _ => throw ValidationFailedException.For("status", "Use done or cancelled."),
        };
        if (durationMinutes is < 0 or > 24 * 60)
        {
            throw ValidationFailedException.For("durationMinutes", "0 to 1440 minutes.");
        }

        if (activity.Status != ActivityStatus.Planned)
        {
            throw new ConflictException($"The activity is already {activity.Status.ToString().ToLowerInvariant()}.");
        }

        activity.Status = target;
        activity.DurationMinutes = durationMinutes ?? activity.DurationMinutes;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Plans the next contact after an activity: same counterparty, person and case, linked as its follow-up.</summary>
    public async Task<Guid> PlanFollowUpAsync(Guid previousId, string? type, DateTimeOffset? at, string? subject, CurrentUser user, CancellationToken cancellationToken)
    {
        var previous = await RequireAsync(previousId, user, cancellationToken);
        if (at is null)
        {
            throw ValidationFailedException.For("at", "Say when the follow-up is planned.");
        }

        return await activities.CreateActivityAsync(new CreateActivityRequest(previous.CounterpartyId, type ?? previous.Type.ToString(), previous.Direction, at, null,
            subject, null, "planned", previous.PersonId, previous.CaseId, previous.Id, user.UserName), user, cancellationToken);
    }

    private async Task<Activity> RequireAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var companies = recordAccess.Visible(db.Counterparties, user);
        return await db.Activities.Where(a => a.Id == id && companies.Any(c => c.Id == a.CounterpartyId)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Activity {id} does not exist.");
    }
}
