using Crm.Platform.Access;
#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower()/LIKE: .NET culture rules do not apply
using Crm.Platform.Common;
using System.Text.Json;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Fields;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Cases;

public sealed record CaseListItem(Guid Id, string Title, CaseGroup Group, string Phase, string Owner, Guid? CounterpartyId, string? CounterpartyName, decimal Value,
    string Currency, int Probability, DateOnly? ExpectedClose, CaseOutcome Outcome, DateTimeOffset CreatedAt, string? LostReason = null)
{
    /// <summary>Values of the chosen custom-field columns (<c>cf.key</c>), when any were asked for.</summary>
    public IReadOnlyDictionary<string, object?>? Values { get; init; }
}

/// <summary>What the case list shows: a group (potential, inprogress, closed), search in the title, owner, phase, counterparty; sorted.</summary>
public sealed record CaseListQuery(string? Group = null, string? Search = null, string? Owner = null, string? Phase = null, Guid? CounterpartyId = null,
    string? Sort = null, bool Descending = false, int Page = 1, int PageSize = 25, IReadOnlyList<FieldFilter>? Filters = null, IReadOnlyList<string>? Columns = null);

/// <summary>One page of cases and how many visible cases each group holds (for the tabs).</summary>
public sealed record CaseList(PagedList<CaseListItem> Cases, IReadOnlyDictionary<string, int> Groups);

public sealed record CaseView(Guid Id, string Title, CaseGroup Group, string Phase, string Owner, Guid? CounterpartyId, string? CounterpartyName, Guid? PersonId,
    string? PersonName, decimal Value, string Currency, int Probability, DateOnly? ExpectedClose, CaseOutcome Outcome, string? LostReason, DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt, Guid? InstanceId, bool ProcessRunning, bool CanEdit, IReadOnlyList<string> Phases, int Revision)
{
    /// <summary>SPR/2026/12 (null for cases made before numbers existed).</summary>
    public string? Number { get; init; }

    /// <summary>The campaign the case came from (its source).</summary>
    public Guid? CampaignId { get; init; }

    /// <summary>Values of the admin-defined case fields the caller may read, by key.</summary>
    public IReadOnlyDictionary<string, object?> CustomFields { get; init; } = new Dictionary<string, object?>();
}

public sealed record UpdateCaseRequest(int Revision, string? Title, decimal? Value, string? Currency, int? Probability, DateOnly? ExpectedClose, string? Owner,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>
/// Record level for cases: admins, process owners and compliance see all; others the cases they own and the cases of
/// counterparties they see. Internal cases (no counterparty) are their owner's.
/// </summary>
[ModuleContract]
public static class CaseAccess
{
    public static bool SeesAll(CounterpartyAccess recordAccess, CurrentUser user) => recordAccess.SeesAll(user, AccessObjects.Case);

    public static IQueryable<CrmCase> Visible(CrmDbContext db, CounterpartyAccess recordAccess, CurrentUser user)
    {
        if (!recordAccess.Can(user, AccessObjects.Case, AccessRights.Read))
        {
            return db.Cases.Where(c => false);
        }

        if (SeesAll(recordAccess, user))
        {
            return db.Cases;
        }

        var name = user.UserName;
        var companies = recordAccess.Visible(db.Counterparties, user);
        return db.Cases.Where(c => c.Owner == name || (c.CounterpartyId != null && companies.Any(x => x.Id == c.CounterpartyId)));
    }

    /// <summary>Editing, moving and closing: the owner, or admins and process owners.</summary>
    public static bool MayEdit(CrmCase item, CurrentUser user) => item.Owner == user.UserName || user.IsProcessOwner;
}

/// <summary>The case list and the case page: details, edits with a revision check, manual phase moves, and the whole history in one timeline.</summary>
public sealed class CaseBook(CrmDbContext db, CounterpartyAccess recordAccess, CaseService cases, DocumentAccess documents, ActivityDocuments activityDocuments, CustomFieldService customFields, TimeProvider clock)
{
    /// <summary>The entity name of admin-defined case fields (<see cref="CustomFieldService.Entities"/>).</summary>
    public const string CaseEntity = "case";

    /// <summary>The fields the case list can filter on for this user (built-in and admin-defined).</summary>
    public async Task<List<ListField>> FieldsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        RecordFilters.CaseCatalogue(await customFields.ContextAsync(CaseEntity, cancellationToken), recordAccess.Fields(user, AccessObjects.Case));

    public static readonly IReadOnlyList<string> SortFields = ["created", "title", "value", "probability", "expectedClose", "phase", "owner"];

    public async Task<CaseList> ListAsync(CaseListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var cases = await FilteredAsync(query, user, cancellationToken);
        var groups = (await cases.GroupBy(c => c.Group).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => GroupName(g.Key), g => g.Count);
        cases = InGroup(cases, query.Group);
        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var total = await cases.CountAsync(cancellationToken);
        var rows = await Sorted(cases, query.Sort, query.Descending).Skip((page - 1) * pageSize).Take(pageSize).Select(Item()).ToListAsync(cancellationToken);
        if (query.Columns?.Any(c => c.StartsWith("cf.", StringComparison.Ordinal)) == true)
        {
            var (_, values) = await customFields.ColumnsAsync(CaseEntity, [.. rows.Select(r => r.Id)], recordAccess.Fields(user, AccessObjects.Case), cancellationToken);
            rows = [.. rows.Select(r => r with { Values = values.GetValueOrDefault(r.Id)?.ToDictionary(v => "cf." + v.Key, v => PersonDirectory.Cell(v.Value)) })];
        }
        return new CaseList(new PagedList<CaseListItem>(rows, total, page, pageSize), groups);
    }

    /// <summary>The list as .xlsx with the same group, search, filters and order, and the case fields the caller may read.</summary>
    public async Task<byte[]> ExportAsync(CaseListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Case, AccessRights.Export);
        var cases = InGroup(await FilteredAsync(query, user, cancellationToken), query.Group);
        if (await cases.Take(CounterpartyService.ExportCap + 1).CountAsync(cancellationToken) > CounterpartyService.ExportCap)
        {
            throw ValidationFailedException.For("filter", $"The export would have more than {CounterpartyService.ExportCap:N0} rows; narrow the filter.");
        }

        var chosen = ListPreferences.Resolve(query.Columns, DefaultColumns, await ColumnsAsync(user, cancellationToken));
        var rows = await Sorted(cases, query.Sort, query.Descending).Select(Item()).ToListAsync(cancellationToken);
        var (_, values) = await customFields.ColumnsAsync(CaseEntity, [.. rows.Select(r => r.Id)], recordAccess.Fields(user, AccessObjects.Case), cancellationToken);
        Crm.Platform.Audit.Audited.Export(db, user.UserName, "cases", null, new { query.Group, query.Search }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        return ExcelWriter.Write("Cases", ["Title", .. chosen.Select(f => f.Label)],
            rows.Select(r => (IReadOnlyList<object?>)[r.Title, .. chosen.Select(f => f.Key.StartsWith("cf.", StringComparison.Ordinal)
                ? PersonDirectory.Cell(values.GetValueOrDefault(r.Id)?.GetValueOrDefault(f.Key[3..]))
                : ValueOf(r, f.Key))]));
    }

    /// <summary>The columns the list shows besides the title, until the user chooses.</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["counterparty", "phase", "value", "probability", "expectedClose", "owner", "createdAt"];

    /// <summary>The columns this user can choose: every filterable field but the title (always shown), and the expected close.</summary>
    public async Task<List<ListField>> ColumnsAsync(CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await FieldsAsync(user, cancellationToken)).Where(f => f.Key != "title"), new("expectedClose", "Expected close", "date", false, false, [])];

    public Task<IReadOnlyList<string>?> SavedColumnsAsync(CurrentUser user, CancellationToken cancellationToken) => ListPreferences.ColumnsAsync(db, user, "cases", cancellationToken);

    public async Task SaveColumnsAsync(CurrentUser user, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        ListPreferences.Resolve(columns, DefaultColumns, await ColumnsAsync(user, cancellationToken));
        await ListPreferences.SaveAsync(db, user, "cases", columns, cancellationToken);
    }

    /// <summary>A built-in column's value of a row, as a cell.</summary>
    public static object? ValueOf(CaseListItem row, string key) => key switch
    {
        "counterparty" => row.CounterpartyName,
        "phase" => row.Phase,
        "owner" => row.Owner,
        "value" => row.Value,
        "probability" => row.Probability,
        "currency" => row.Currency,
        "lostReason" => row.LostReason,
        "expectedClose" => row.ExpectedClose,
        "createdAt" => DateOnly.FromDateTime(row.CreatedAt.UtcDateTime),
        _ => row.Values?.GetValueOrDefault(key),
    };

    private async Task<IQueryable<CrmCase>> FilteredAsync(CaseListQuery query, CurrentUser user, CancellationToken cancellationToken)
    {
        var cases = CaseAccess.Visible(db, recordAccess, user).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = "%" + query.Search.Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            cases = cases.Where(c => EF.Functions.Like(c.Title.ToLower(), pattern));
        }

        if (!string.IsNullOrWhiteSpace(query.Owner)) cases = cases.Where(c => c.Owner == query.Owner);
        if (!string.IsNullOrWhiteSpace(query.Phase)) cases = cases.Where(c => c.Phase == query.Phase);
        if (query.CounterpartyId is { } counterpartyId) cases = cases.Where(c => c.CounterpartyId == counterpartyId);
        return query.Filters is { Count: > 0 }
            ? RecordFilters.ApplyToCases(cases, query.Filters, await customFields.ContextAsync(CaseEntity, cancellationToken), recordAccess.Fields(user, AccessObjects.Case), db)
            : cases;
    }

    private static IQueryable<CrmCase> InGroup(IQueryable<CrmCase> cases, string? group)
    {
        if (string.IsNullOrWhiteSpace(group))
        {
            return cases;
        }

        var wanted = ParseGroup(group);
        return cases.Where(c => c.Group == wanted);
    }

    private System.Linq.Expressions.Expression<Func<CrmCase, CaseListItem>> Item() =>
        c => new CaseListItem(c.Id, c.Title, c.Group, c.Phase, c.Owner, c.CounterpartyId, db.Counterparties.Where(x => x.Id == c.CounterpartyId).Select(x => x.Name).FirstOrDefault(),
            c.Value, c.Currency, c.Probability, c.ExpectedClose, c.Outcome, c.CreatedAt, c.LostReason);

    public async Task<CaseView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var item = await CaseAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Case {id} does not exist.");
        var counterparty = item.CounterpartyId is { } cid ? await db.Counterparties.Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var person = item.PersonId is { } pid ? await db.Persons.Where(p => p.Id == pid).Select(p => p.FirstName + " " + p.LastName).FirstOrDefaultAsync(cancellationToken) : null;
        var phases = await CasePhases.LoadAsync(db, cancellationToken);
        var context = await customFields.ContextAsync(CaseEntity, cancellationToken);
        var values = await customFields.ValuesAsync(context, [id], recordAccess.Fields(user, AccessObjects.Case), cancellationToken);
        return new CaseView(item.Id, item.Title, item.Group, item.Phase, item.Owner, item.CounterpartyId, counterparty, item.PersonId, person, item.Value, item.Currency,
            item.Probability, item.ExpectedClose, item.Outcome, item.LostReason, item.CreatedAt, item.ClosedAt, item.InstanceId, await ProcessRunningAsync(item, cancellationToken),
            CaseAccess.MayEdit(item, user), phases.Open, item.Revision)
        {
            CustomFields = values.GetValueOrDefault(id) ?? [],
            Number = item.Number,
            CampaignId = item.CampaignId,
        };
    }

    /// <summary>
    /// Everything that happened to the case, newest first: its own steps (created, phases, won/lost, edits), activities,
    /// notes, the tasks of its process (or linked to it), and the documents linked to it that the caller may read.
    /// </summary>
    public async Task<List<TimelineItem>> TimelineAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var item = await CaseAccess.Visible(db, recordAccess, user).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Case {id} does not exist.");
        var now = clock.GetUtcNow();
        var key = id.ToString();
        var events = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.CaseId == id).OrderByDescending(e => e.At).Take(200).ToListAsync(cancellationToken);
        var activities = await db.Activities.AsNoTracking().Where(a => a.CaseId == id).OrderByDescending(a => a.At).Take(200).ToListAsync(cancellationToken);
        var notes = await db.Notes.AsNoTracking().Where(n => n.CaseId == id).OrderByDescending(n => n.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var linkPattern = "%" + key + "%";
        var tasks = await db.UserTasks.AsNoTracking().Where(t => (item.InstanceId != null && t.InstanceId == item.InstanceId) || EF.Functions.Like(t.Links!, linkPattern))
            .OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var readable = await documents.ReadableAsync(user, cancellationToken);
        var linked = await readable.AsNoTracking().Where(d => d.Links != null && EF.Functions.Like(d.Links, linkPattern))
            .OrderByDescending(d => d.CreatedAt).Take(100).Select(d => new { d.Id, d.Title, d.Owner, d.CreatedAt }).ToListAsync(cancellationToken);
        var attached = await activityDocuments.OfAsync([.. activities.Select(a => a.Id)], user, cancellationToken);
        return
        [
            .. events.Select(e => new TimelineItem(e.At, "Case", EventTitle(e), null, e.By, e.Id, false) { Event = e.Kind, EventText = e.Text }),
            .. activities.Select(a => CrmActivityService.ItemOf(a, now, attached)),
            .. notes.Select(NoteBook.TimelineItemOf),
            .. tasks.Select(t => new TimelineItem(t.CompletedAt ?? t.CreatedAt, "Task", t.Name, t.Status.ToString(), t.CompletedBy ?? t.Assignee, t.Id,
                t.Status == Crm.Workflow.Tasks.TaskStatus.Open && t.DueAt < now, $"tasks/{t.Id}") { Event = t.Status.ToString() }),
            .. linked.Select(d => new TimelineItem(d.CreatedAt, "Document", d.Title, null, d.Owner, d.Id, false, $"documents/{d.Id}")),
        ];
    }

    /// <summary>Title, value, currency, probability, expected close and owner; the revision read with the page must match (409 otherwise).</summary>
    public async Task UpdateAsync(Guid id, UpdateCaseRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var item = await RequireEditableAsync(id, user, cancellationToken);
        if (item.Revision != request.Revision)
        {
            throw new ConflictException("Someone changed this case after you opened it; reload to see their change.");
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Title is { } title && (string.IsNullOrWhiteSpace(title) || title.Length > 300)) errors["title"] = ["Give the case a title (at most 300 characters)."];
        if (request.Value is < 0) errors["value"] = ["The value cannot be negative."];
        if (request.Probability is < 0 or > 100) errors["probability"] = ["Probability is 0 to 100 %."];
        if (request.Currency is { } currency && !System.Text.RegularExpressions.Regex.IsMatch(currency, "^[A-Z]{3}$")) errors["currency"] = ["A currency is three capital letters (ISO 4217)."];
        if (request.Owner is { } owner && !await db.Users.AnyAsync(u => u.UserName == owner, cancellationToken)) errors["owner"] = [$"There is no user '{owner}'."];
        var context = await customFields.ContextAsync(CaseEntity, cancellationToken);
        var values = CustomFieldService.Validate(context, request.CustomFields, recordAccess.Fields(user, AccessObjects.Case), (field, message) =>
        {
            if (message is not null) errors[field] = [message];
        }, partial: true);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        var changes = new List<string>();
        void Change(string name, object? from, object? to) => changes.Add($"{name}: {Show(from)} → {Show(to)}");
        if (request.Title?.Trim() is { } newTitle && newTitle != item.Title) { Change("title", item.Title, newTitle); item.Title = newTitle; }
        if (request.Value is { } value && value != item.Value) { Change("value", item.Value, value); item.Value = value; }
        if (request.Currency is { } newCurrency && newCurrency != item.Currency) { Change("currency", item.Currency, newCurrency); item.Currency = newCurrency; }
        if (request.Probability is { } probability && probability != item.Probability) { Change("probability", $"{item.Probability} %", $"{probability} %"); item.Probability = probability; }
        if (request.ExpectedClose is { } close && close != item.ExpectedClose) { Change("expected close", item.ExpectedClose, close); item.ExpectedClose = close; }
        if (request.Owner is { } newOwner && newOwner != item.Owner) { Change("owner", item.Owner, newOwner); item.Owner = newOwner; }
        if (request.CustomFields is { Count: > 0 } given)
        {
            var touched = context.Fields.Where(f => given.ContainsKey(f.Key)).ToList();
            var before = (await customFields.ValuesAsync(context, [id], FieldGate.Everything, cancellationToken)).GetValueOrDefault(id);
            await customFields.StoreAsync(id, [.. touched.Select(f => f.Id)], values, cancellationToken);
            foreach (var field in touched)
            {
                // Compared as text, the way the form shows them ("a, b" for several choices).
                var old = before?.GetValueOrDefault(field.Key) is { } stored ? (stored is IEnumerable<string> many ? string.Join(", ", many) : Show(stored)) : null;
                var next = string.Join(", ", CustomFieldService.Texts(given[field.Key]));
                if (!string.Equals(old ?? "", next, StringComparison.OrdinalIgnoreCase))
                {
                    Change(field.Label, old, next.Length == 0 ? null : next);
                }
            }
        }

        if (changes.Count == 0)
        {
            return;
        }

        item.Revision++;
        db.Add(new CaseEvent { CaseId = id, At = clock.GetUtcNow(), Kind = "edited", Text = Shorten(string.Join("; ", changes)), By = user.UserName });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Moves a case no process drives (or closes it as won/lost with a reason). A running sales cycle steers its case: complete its task instead.</summary>
    public async Task MoveAsync(Guid id, string? phase, string? lostReason, CurrentUser user, CancellationToken cancellationToken)
    {
        var item = await RequireEditableAsync(id, user, cancellationToken);
        if (await ProcessRunningAsync(item, cancellationToken))
        {
            throw new ConflictException("The sales-cycle process steers this case: complete its open task to move it.");
        }

        if (string.IsNullOrWhiteSpace(phase))
        {
            throw ValidationFailedException.For("phase", "Choose the phase.");
        }

        if (phase.Trim().Equals("lost", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(lostReason))
        {
            throw ValidationFailedException.For("lostReason", "Say why the case was lost.");
        }

        await cases.MoveAsync(id, phase, lostReason?.Trim(), cancellationToken, by: user.UserName);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<CrmCase> RequireEditableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = await CaseAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == id, cancellationToken);
        var item = visible ? await db.Cases.SingleAsync(c => c.Id == id, cancellationToken) : throw new NotFoundException($"Case {id} does not exist.");
        recordAccess.Require(user, AccessObjects.Case, AccessRights.Edit);
        return CaseAccess.MayEdit(item, user) ? item : throw new ForbiddenException("Only the case's owner (or a manager) may change it.");
    }

    private Task<bool> ProcessRunningAsync(CrmCase item, CancellationToken cancellationToken) =>
        item.InstanceId is { } instanceId
            ? db.ProcessInstances.AnyAsync(i => i.Id == instanceId && i.Status == InstanceStatus.Active, cancellationToken)
            : Task.FromResult(false);

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..499] + "…";

    /// <summary>The same text on every database and culture (a decimal read back may carry trailing zeros).</summary>
    private static string Show(object? value) => value switch
    {
        null => "—",
        decimal d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string EventTitle(CaseEvent e) => e.Kind switch
    {
        "created" => $"Created in phase {e.Text}",
        "phase" => $"Moved to {e.Text}",
        "won" => "Won",
        "lost" => e.Text.StartsWith("lost: ", StringComparison.Ordinal) ? $"Lost ({e.Text[6..]})" : "Lost",
        _ => $"Changed {e.Text}",
    };

    private static IOrderedQueryable<CrmCase> Sorted(IQueryable<CrmCase> cases, string? sort, bool descending) => (sort ?? "created") switch
    {
        "title" => descending ? cases.OrderByDescending(c => c.Title).ThenBy(c => c.Id) : cases.OrderBy(c => c.Title).ThenBy(c => c.Id),
        // As a double: SQLite keeps decimals as text and cannot order them in SQL.
        "value" => descending ? cases.OrderByDescending(c => (double)c.Value).ThenBy(c => c.Id) : cases.OrderBy(c => (double)c.Value).ThenBy(c => c.Id),
        "probability" => descending ? cases.OrderByDescending(c => c.Probability).ThenBy(c => c.Id) : cases.OrderBy(c => c.Probability).ThenBy(c => c.Id),
        "expectedClose" => descending ? cases.OrderByDescending(c => c.ExpectedClose).ThenBy(c => c.Id) : cases.OrderBy(c => c.ExpectedClose).ThenBy(c => c.Id),
        "phase" => descending ? cases.OrderByDescending(c => c.ReachedPhase).ThenBy(c => c.Id) : cases.OrderBy(c => c.ReachedPhase).ThenBy(c => c.Id),
        "owner" => descending ? cases.OrderByDescending(c => c.Owner).ThenBy(c => c.Id) : cases.OrderBy(c => c.Owner).ThenBy(c => c.Id),
        "created" => descending ? cases.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id) : cases.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id),   // newest first by default
        _ => throw ValidationFailedException.For("sort", $"Sort by one of: {string.Join(", ", SortFields)}."),
    };

    public static string GroupName(CaseGroup group) => group switch
    {
        CaseGroup.Potential => "potential",
        CaseGroup.InProgress => "inprogress",
        _ => "closed",
    };

    private static CaseGroup ParseGroup(string group) => group.Trim().ToLowerInvariant() switch
    {
        "potential" => CaseGroup.Potential,
        "inprogress" or "in-progress" or "progress" => CaseGroup.InProgress,
        "closed" => CaseGroup.Closed,
        _ => throw ValidationFailedException.For("group", "Use potential, inprogress or closed."),
    };
}
