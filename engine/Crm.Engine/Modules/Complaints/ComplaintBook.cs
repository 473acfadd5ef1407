using Crm.Platform.Access;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using Crm.Modules.Counterparties;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Complaints;

public sealed record ComplaintListItem(Guid Id, string Number, string Subject, Guid? CounterpartyId, string? CounterpartyName, ComplaintKind Kind, string AgainstType,
    string? AgainstNumber, string? ProductName, DateOnly ReceivedOn, string Channel, string Demand, ComplaintStatus Status, ComplaintDecision Decision, DateOnly Deadline, string Owner,
    string HandlingGroup, decimal ClaimedAmount, string Currency, decimal Costs, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt);

/// <summary>The complaint list: search in number, subject, product and counterparty; filters on any field; sorted; paged.</summary>
public sealed record ComplaintListQuery(string? Search = null, string? Status = null, string? Kind = null, string? Demand = null, string? Channel = null,
    string? Decision = null, string? Owner = null, Guid? CounterpartyId = null, DateOnly? ReceivedFrom = null, DateOnly? ReceivedTo = null, bool? Overdue = null,
    string? Sort = null, bool Descending = false, int Page = 1, int PageSize = 25, IReadOnlyList<Crm.Modules.Counterparties.Fields.FieldFilter>? Filters = null);

public sealed record ComplaintView(Guid Id, string Number, string Subject, Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId, string? PersonName,
    ComplaintKind Kind, string AgainstType, string? AgainstNumber, DateOnly? AgainstDate, string? ProductCode, string? ProductName, Guid? AgainstDocumentId,
    DateOnly ReceivedOn, string Channel, string DefectDescription, string Demand, decimal ClaimedAmount, string Currency, ComplaintStatus Status,
    ComplaintDecision Decision, string? Justification, string? DecidedBy, DateTimeOffset? DecidedAt, string? ApprovedBy, string? Resolution, string? AnswerChannel,
    DateTimeOffset? AnsweredAt, DateOnly Deadline, int DaysLeft, string HandlingGroup, string Owner, string RegisteredBy, Guid? FolderId, Guid? InstanceId,
    bool ProcessRunning, bool AwaitsExpertise, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, bool CanEdit, int Revision, IReadOnlyList<ComplaintCostView> Costs,
    IReadOnlyList<ComplaintCostTotal> Totals, IReadOnlyList<string> CostTypes);

public sealed record ComplaintCostView(Guid Id, string Type, decimal Amount, string Currency, DateOnly On, string? Note, string By, DateTimeOffset CreatedAt);

public sealed record ComplaintCostTotal(string Currency, decimal Amount);

/// <summary>An open step of the complaint's process, for the page's "what is next" panel.</summary>
public sealed record ComplaintTask(Guid Id, string Name, string ElementId, string? Assignee, DateTimeOffset? DueAt, bool Overdue);

public sealed record ComplaintHistoryItem(DateTimeOffset At, string Kind, string Text, string? By);

/// <summary>The complaint list (with its Excel export) and the complaint page: details, costs, and the whole history.</summary>
public sealed class ComplaintBook(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    /// <summary>The message the process waits for while a supplier's expertise is outstanding (correlated by the complaint id).</summary>
    public const string ExpertiseMessage = "complaint-expertise";

    public static readonly IReadOnlyList<string> SortFields = ["number", "received", "deadline", "status", "subject", "owner", "counterparty", "claimed"];

    /// <summary>The list's columns besides the number and subject (always shown), in their default order.</summary>
    public static readonly IReadOnlyList<string> Columns = ["counterparty", "kind", "against", "received", "channel", "demand", "status", "decision", "deadline", "owner", "claimed", "costs"];

    public static readonly IReadOnlyList<string> DefaultColumns = ["counterparty", "against", "received", "status", "deadline"];

    /// <summary>The columns this user chose for the list (kept like the other CRM lists' choices), or the defaults.</summary>
    public async Task<IReadOnlyList<string>> SavedColumnsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        (await Crm.Modules.Counterparties.Fields.ListPreferences.ColumnsAsync(db, user, "complaints", cancellationToken))?.Where(Columns.Contains).ToList() ?? DefaultColumns;

    public async Task SaveColumnsAsync(CurrentUser user, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        if (columns.FirstOrDefault(c => !Columns.Contains(c)) is { } unknown)
        {
            throw ValidationFailedException.For("columns", $"There is no column '{unknown}'.");
        }

        await Crm.Modules.Counterparties.Fields.ListPreferences.SaveAsync(db, user, "complaints", columns, cancellationToken);
    }

    public async Task<PagedList<ComplaintListItem>> ListAsync(ComplaintListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var complaints = Filtered(query, user);
        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await complaints.CountAsync(cancellationToken);
        var rows = await WithCostsAsync(await Sorted(complaints, query.Sort, query.Descending).Skip((page - 1) * pageSize).Take(pageSize).Select(Item()).ToListAsync(cancellationToken),
            cancellationToken);
        return new PagedList<ComplaintListItem>(rows, total, page, pageSize);
    }

    /// <summary>The list as .xlsx with the same search, filters and order, and the chosen columns (all when none are given).</summary>
    public async Task<byte[]> ExportAsync(ComplaintListQuery query, IReadOnlyList<string>? columns, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Complaint, AccessRights.Export);
        var chosen = columns is { Count: > 0 } ? columns : Columns;
        if (chosen.FirstOrDefault(c => !Columns.Contains(c)) is { } unknown)
        {
            throw ValidationFailedException.For("columns", $"There is no column '{unknown}'; use: {string.Join(", ", Columns)}.");
        }

        var complaints = Filtered(query, user);
        if (await complaints.Take(ExportCap + 1).CountAsync(cancellationToken) > ExportCap)
        {
            throw ValidationFailedException.For("filter", $"The export would have more than {ExportCap:N0} rows; narrow the filter.");
        }

        var rows = await WithCostsAsync(await Sorted(complaints, query.Sort, query.Descending).Select(Item()).ToListAsync(cancellationToken), cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "complaints", null, new { query.Search, query.Status, query.Kind }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Complaints", ["Number", "Subject", .. chosen],
            rows.Select(r => (IReadOnlyList<object?>)[r.Number, r.Subject, .. chosen.Select(c => ValueOf(r, c))]));
    }

    public const int ExportCap = 50_000;

    public static object? ValueOf(ComplaintListItem row, string column) => column switch
    {
        "counterparty" => row.CounterpartyName,
        "kind" => row.Kind.ToString().ToLowerInvariant(),
        "against" => row.ProductName ?? row.AgainstNumber ?? row.AgainstType,
        "received" => row.ReceivedOn,
        "channel" => row.Channel,
        "demand" => row.Demand,
        "status" => row.Status.ToString().ToLowerInvariant(),
        "decision" => row.Decision == ComplaintDecision.None ? null : row.Decision.ToString(),
        "deadline" => row.Deadline,
        "owner" => row.Owner,
        "claimed" => row.ClaimedAmount,
        "costs" => row.Costs,
        _ => null,
    };

    private IQueryable<Complaint> Filtered(ComplaintListQuery query, CurrentUser user)
    {
        var complaints = ComplaintAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + query.Search.Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            complaints = complaints.Where(c => EF.Functions.Like(c.Number.ToLower(), pattern) || EF.Functions.Like(c.Subject.ToLower(), pattern)
                || (c.ProductName != null && EF.Functions.Like(c.ProductName.ToLower(), pattern)) || (c.ProductCode != null && EF.Functions.Like(c.ProductCode.ToLower(), pattern))
                || (c.AgainstNumber != null && EF.Functions.Like(c.AgainstNumber.ToLower(), pattern))
                || db.Counterparties.Any(x => x.Id == c.CounterpartyId && EF.Functions.Like(x.Name.ToLower(), pattern)));
        }

        if (Parse<ComplaintStatus>(query.Status, "status") is { } status) complaints = complaints.Where(c => c.Status == status);
        if (Parse<ComplaintKind>(query.Kind, "kind") is { } kind) complaints = complaints.Where(c => c.Kind == kind);
        if (Parse<ComplaintDecision>(query.Decision, "decision") is { } decision) complaints = complaints.Where(c => c.Decision == decision);
        if (!string.IsNullOrWhiteSpace(query.Demand)) complaints = complaints.Where(c => c.Demand == query.Demand);
        if (!string.IsNullOrWhiteSpace(query.Channel)) complaints = complaints.Where(c => c.Channel == query.Channel);
        if (!string.IsNullOrWhiteSpace(query.Owner)) complaints = complaints.Where(c => c.Owner == query.Owner);
        if (query.CounterpartyId is { } counterparty) complaints = complaints.Where(c => c.CounterpartyId == counterparty);
        if (query.ReceivedFrom is { } from) complaints = complaints.Where(c => c.ReceivedOn >= from);
        if (query.ReceivedTo is { } to) complaints = complaints.Where(c => c.ReceivedOn <= to);
        complaints = ComplaintFilters.Apply(complaints, query.Filters, db);
        if (query.Overdue == true)
        {
            // Not answered and the deadline day is over (in Poland).
            var today = ComplaintDeadlines.Today(clock.GetUtcNow());
            complaints = complaints.Where(c => (c.Status == ComplaintStatus.Open || c.Status == ComplaintStatus.Decided) && c.Deadline < today);
        }

        return complaints;
    }

    private static TEnum? Parse<TEnum>(string? value, string field) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Enum.TryParse<TEnum>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw ValidationFailedException.For(field, $"Use one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.");
    }

    private IQueryable<Complaint> Sorted(IQueryable<Complaint> complaints, string? sort, bool descending) => (sort ?? "received") switch
    {
        "number" => descending ? complaints.OrderByDescending(c => c.Year).ThenByDescending(c => c.Sequence) : complaints.OrderBy(c => c.Year).ThenBy(c => c.Sequence),
        "received" => descending ? complaints.OrderBy(c => c.ReceivedOn).ThenBy(c => c.Sequence) : complaints.OrderByDescending(c => c.ReceivedOn).ThenByDescending(c => c.Sequence),
        "deadline" => descending ? complaints.OrderByDescending(c => c.Deadline).ThenBy(c => c.Sequence) : complaints.OrderBy(c => c.Deadline).ThenBy(c => c.Sequence),
        "status" => descending ? complaints.OrderByDescending(c => c.Status).ThenBy(c => c.Deadline) : complaints.OrderBy(c => c.Status).ThenBy(c => c.Deadline),
        "subject" => descending ? complaints.OrderByDescending(c => c.Subject) : complaints.OrderBy(c => c.Subject),
        "owner" => descending ? complaints.OrderByDescending(c => c.Owner).ThenBy(c => c.Deadline) : complaints.OrderBy(c => c.Owner).ThenBy(c => c.Deadline),
        "claimed" => descending ? complaints.OrderByDescending(c => (double)c.ClaimedAmount) : complaints.OrderBy(c => (double)c.ClaimedAmount),
        "counterparty" => descending
            ? complaints.OrderByDescending(c => db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault()).ThenBy(c => c.Sequence)
            : complaints.OrderBy(c => db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault()).ThenBy(c => c.Sequence),
        _ => throw ValidationFailedException.For("sort", $"Sort by one of: {string.Join(", ", SortFields)}."),
    };

    private System.Linq.Expressions.Expression<Func<Complaint, ComplaintListItem>> Item() =>
        c => new ComplaintListItem(c.Id, c.Number, c.Subject, c.CounterpartyId, db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault(),
            c.Kind, c.AgainstType, c.AgainstNumber, c.ProductName, c.ReceivedOn, c.Channel, c.Demand, c.Status, c.Decision, c.Deadline, c.Owner, c.HandlingGroup, c.ClaimedAmount, c.Currency,
            0, c.CreatedAt, c.ClosedAt);

    /// <summary>Each row's cost total (summed here: SQLite has no decimal SUM).</summary>
    private async Task<List<ComplaintListItem>> WithCostsAsync(List<ComplaintListItem> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var costs = (await db.ComplaintCosts.AsNoTracking().Where(k => ids.Contains(k.ComplaintId)).Select(k => new { k.ComplaintId, k.Amount }).ToListAsync(cancellationToken))
            .GroupBy(k => k.ComplaintId).ToDictionary(g => g.Key, g => g.Sum(k => k.Amount));
        return [.. rows.Select(r => r with { Costs = costs.GetValueOrDefault(r.Id) })];
    }

    public async Task<ComplaintView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var c = await ComplaintAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Complaint {id} does not exist.");
        var counterparty = c.CounterpartyId is { } cid ? await db.Counterparties.Where(x => x.Id == cid).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var person = c.PersonId is { } pid ? await db.Persons.Where(p => p.Id == pid).Select(p => p.FirstName + " " + p.LastName).FirstOrDefaultAsync(cancellationToken) : null;
        var costs = await db.ComplaintCosts.AsNoTracking().Where(k => k.ComplaintId == id).OrderBy(k => k.On).ThenBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        var running = c.InstanceId is { } instance && await db.ProcessInstances.AnyAsync(i => i.Id == instance && i.Status == InstanceStatus.Active, cancellationToken);
        var settings = await ComplaintSettingsService.LoadAsync(db, cancellationToken);
        var awaitsExpertise = running && await db.MessageSubscriptions.AnyAsync(m => m.InstanceId == c.InstanceId && m.MessageName == ExpertiseMessage, cancellationToken);
        return new ComplaintView(c.Id, c.Number, c.Subject, c.CounterpartyId, counterparty, c.PersonId, person, c.Kind, c.AgainstType, c.AgainstNumber, c.AgainstDate,
            c.ProductCode, c.ProductName, c.AgainstDocumentId, c.ReceivedOn, c.Channel, c.DefectDescription, c.Demand, c.ClaimedAmount, c.Currency, c.Status, c.Decision,
            c.Justification, c.DecidedBy, c.DecidedAt, c.ApprovedBy, c.Resolution, c.AnswerChannel, c.AnsweredAt, c.Deadline,
            ComplaintDeadlines.DaysLeft(c.Deadline, clock.GetUtcNow()), c.HandlingGroup, c.Owner, c.RegisteredBy, c.FolderId, c.InstanceId, running, awaitsExpertise, c.CreatedAt,
            c.ClosedAt, ComplaintAccess.MayEdit(recordAccess, c, user) && c.Status != ComplaintStatus.Closed, c.Revision,
            [.. costs.Select(k => new ComplaintCostView(k.Id, k.Type, k.Amount, k.Currency, k.On, k.Note, k.By, k.CreatedAt))],
            [.. costs.GroupBy(k => k.Currency).OrderBy(g => g.Key).Select(g => new ComplaintCostTotal(g.Key, g.Sum(k => k.Amount)))],
            ComplaintSettingsService.CostTypesOf(settings));
    }

    /// <summary>The open tasks of the complaint's process (what is next, and who has it).</summary>
    public async Task<List<ComplaintTask>> OpenTasksAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var instance = await ComplaintAccess.Visible(db, recordAccess, user).Where(c => c.Id == id).Select(c => new { c.InstanceId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Complaint {id} does not exist.");
        var now = clock.GetUtcNow();
        return instance.InstanceId is not { } instanceId ? [] : [.. (await db.UserTasks.AsNoTracking()
                .Where(t => t.InstanceId == instanceId && t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.ParentTaskId == null).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken))
            .Select(t => new ComplaintTask(t.Id, t.Name, t.ElementId, t.Assignee, t.DueAt, t.DueAt < now))];
    }

    /// <summary>Everything that happened to the complaint, newest first: its steps, edits (field by field), notes and costs.</summary>
    public async Task<List<ComplaintHistoryItem>> HistoryAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await ComplaintAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Complaint {id} does not exist.");
        }

        return await db.ComplaintEvents.AsNoTracking().Where(e => e.ComplaintId == id).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(500)
            .Select(e => new ComplaintHistoryItem(e.At, e.Kind, e.Text, e.By)).ToListAsync(cancellationToken);
    }
}
