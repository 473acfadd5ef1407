using Crm.Platform.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Runtime;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Modules.Knowledge;

public sealed record CreateAssignmentRequest(Guid ArticleId, string? Version, IReadOnlyList<string>? UserIds, IReadOnlyList<string>? GroupIds, DateTimeOffset? DueAt, DateTimeOffset? JoinCutoff = null);

public sealed record AssignmentCreated(Guid Id, int Readers);

public sealed record ReaderStatus(string UserId, string Status, DateTimeOffset? ConfirmedAt, string Version);

public sealed record AssignmentView(Guid Id, Guid ArticleId, string ArticleTitle, string Version, DateTimeOffset DueAt, string Status, string CreatedBy, DateTimeOffset CreatedAt,
    IReadOnlyList<ReaderStatus> Readers);

public sealed record PendingReading(Guid AssignmentId, Guid ArticleId, string Title, string Version, DateTimeOffset DueAt, bool Overdue);

public sealed record ConfirmationView(Guid Id, Guid ArticleId, string Version, string UserName, DateTimeOffset At);

public sealed record OpenResult(Guid VersionId, string Version, bool Required);

/// <summary>
/// Mandatory reading: assignments (audience resolved and recorded at start, one task per reader through the
/// kb-mandatory-reading process), opens and confirmations, withdrawal, re-reading on a major version, and
/// people who join an audience group later.
/// </summary>
public sealed class ReadingService(CrmDbContext db, ProcessEngine engine, IMandatoryReadingProcess reading, CompleteTask complete, IOptions<KnowledgeOptions> options, TimeProvider clock)
{
    public const string ReadingProcess = "kb-mandatory-reading";
    /// <summary>The form key of a reading task: it completes through confirm-read, not the generic complete.</summary>
    public const string ReadingFormKey = "crm:kb-reading";

    public async Task<AssignmentCreated> CreateAsync(CreateAssignmentRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAssigner(user);
        var errors = new Dictionary<string, string[]>();
        var now = clock.GetUtcNow();
        if (request.DueAt is not { } due || due <= now)
        {
            errors["dueAt"] = ["Give a deadline in the future."];
        }

        if ((request.UserIds?.Count ?? 0) + (request.GroupIds?.Count ?? 0) == 0)
        {
            errors["userIds"] = ["Name the readers: users and/or groups."];
        }

        var article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.ArticleId, cancellationToken);
        if (article is null)
        {
            errors["articleId"] = ["There is no such article."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        return await engine.ExecuteAsync(async _ =>
        {
            var version = await ResolveVersionAsync(article!, request.Version, cancellationToken);
            var groups = await GroupNamesAsync(request.GroupIds ?? [], cancellationToken);
            var readers = await ResolveAudienceAsync(request.UserIds ?? [], groups, cancellationToken);
            var assignment = await StartAsync(article!, version, readers, request.UserIds ?? [], groups, request.DueAt!.Value, request.JoinCutoff, user.UserName, null, cancellationToken);
            return new AssignmentCreated(assignment.Id, readers.Count);
        }, cancellationToken);
    }

    public async Task<AssignmentView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var assignment = await db.ReadingAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Reading assignment {id} does not exist.");
        if (!CanSeeAssignments(user) && assignment.CreatedBy != user.UserName)
        {
            throw new NotFoundException($"Reading assignment {id} does not exist.");
        }

        var now = clock.GetUtcNow();
        var readers = await db.ReadingRequirements.AsNoTracking().Where(r => r.AssignmentId == id).OrderBy(r => r.UserName).ToListAsync(cancellationToken);
        return new AssignmentView(assignment.Id, assignment.ArticleId, assignment.ArticleTitle, assignment.Version, assignment.DueAt, assignment.Status.ToString(), assignment.CreatedBy,
            assignment.CreatedAt, [.. readers.Select(r => new ReaderStatus(r.UserName, StatusOf(r, assignment, now), r.ConfirmedAt, assignment.Version))]);
    }

    public static string StatusOf(ReadingRequirement r, ReadingAssignment a, DateTimeOffset now) => r.Status switch
    {
        RequirementStatus.Confirmed => "confirmed",
        RequirementStatus.Withdrawn => "withdrawn",
        _ when now > a.DueAt => "overdue",
        _ => "pending",
    };

    /// <summary>Ends the open reading tasks; confirmations already given stay.</summary>
    public async Task<AssignmentView> WithdrawAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAssigner(user);
        await engine.ExecuteAsync(unit => WithdrawInUnitAsync(unit, id, user, cancellationToken), cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    private async Task<bool> WithdrawInUnitAsync(EngineUnit unit, Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var assignment = await db.ReadingAssignments.SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Reading assignment {id} does not exist.");
        if (assignment.Status != AssignmentStatus.Active)
        {
            throw new ConflictException($"The assignment is already {assignment.Status.ToString().ToLowerInvariant()}.");
        }

        var instanceIds = await db.ReadingRequirements.Where(r => r.AssignmentId == id && r.InstanceId != null).Select(r => r.InstanceId!.Value).Distinct().ToListAsync(cancellationToken);
        foreach (var instance in await db.ProcessInstances.Where(i => instanceIds.Contains(i.Id) && i.Status == InstanceStatus.Active).ToListAsync(cancellationToken))
        {
            await unit.CancelAsync(instance, user.UserName, cancellationToken);
        }

        foreach (var requirement in await db.ReadingRequirements.Where(r => r.AssignmentId == id && r.Status == RequirementStatus.Pending).ToListAsync(cancellationToken))
        {
            requirement.Status = RequirementStatus.Withdrawn;
        }

        assignment.Status = AssignmentStatus.Withdrawn;
        assignment.EndedAt = clock.GetUtcNow();
        assignment.Revision++;
        db.AuditLog.Add(new Crm.Platform.Audit.AuditEntry { Actor = user.UserName, Action = "kb.assignment-withdrawn", SubjectType = "assignment", SubjectId = id.ToString(), At = clock.GetUtcNow() });
        return true;
    }

    /// <summary>Records that the caller opened the article: the version they must read, else the published one.</summary>
    public async Task<OpenResult> OpenAsync(Guid articleId, CurrentUser user, AccessContext access, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(user.UserName, articleId, cancellationToken);
        Guid versionId;
        string label;
        if (pending.FirstOrDefault() is { } requirement)
        {
            (versionId, label) = (requirement.Assignment.VersionId, requirement.Assignment.Version);
        }
        else
        {
            var published = await db.Articles.AsNoTracking().Where(a => a.Id == articleId && a.PublishedVersionId != null)
                .Join(db.ArticleVersions, a => a.PublishedVersionId, v => v.Id, (a, v) => new { v.Id, v.Major, v.Minor }).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"Article {articleId} does not exist.");
            (versionId, label) = (published.Id, $"{published.Major}.{published.Minor}");
        }

        db.ArticleOpens.Add(new ArticleOpen { ArticleId = articleId, VersionId = versionId, Version = label, UserName = user.UserName, At = clock.GetUtcNow(), Ip = access.Ip, Client = Trim(access.Client) });
        await db.SaveChangesAsync(cancellationToken);
        return new OpenResult(versionId, label, pending.Count > 0);
    }

    /// <summary>"I have read and understood": needs a pending requirement and an open of that version first (else 409).</summary>
    public async Task<ConfirmationView> ConfirmAsync(Guid articleId, CurrentUser user, AccessContext access, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(user.UserName, articleId, cancellationToken);
        if (pending.Count == 0)
        {
            throw new ConflictException("You are not required to confirm reading this article (or you already did).");
        }

        var versionIds = pending.Select(p => p.Assignment.VersionId).Distinct().ToList();
        var opened = await db.ArticleOpens.AsNoTracking().Where(o => o.UserName == user.UserName && versionIds.Contains(o.VersionId)).Select(o => o.VersionId).Distinct().ToListAsync(cancellationToken);
        var confirmable = pending.Where(p => opened.Contains(p.Assignment.VersionId)).ToList();
        if (confirmable.Count == 0)
        {
            throw new ConflictException("Open the article first: a confirmation needs the article to have been opened.");
        }

        var now = clock.GetUtcNow();
        ReadConfirmation? first = null;
        foreach (var (requirement, assignment) in confirmable)
        {
            var tracked = await db.ReadingRequirements.SingleAsync(r => r.AssignmentId == requirement.AssignmentId && r.UserName == requirement.UserName, cancellationToken);
            tracked.Status = RequirementStatus.Confirmed;
            tracked.ConfirmedAt = now;
            var confirmation = new ReadConfirmation
            {
                ArticleId = articleId, VersionId = assignment.VersionId, Version = assignment.Version, UserName = user.UserName, AssignmentId = assignment.Id,
                At = now, Ip = access.Ip, Client = Trim(access.Client),
            };
            db.ReadConfirmations.Add(confirmation);
            first ??= confirmation;
        }

        // The confirmation is the evidence: it commits first. The reading tasks then complete; a failure there
        // leaves the task open and the next confirm (or a process owner) finishes it, never the other way round.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (requirement, _) in confirmable)
        {
            await CompleteReadingTaskAsync(requirement, user, cancellationToken);
        }

        return new ConfirmationView(first!.Id, articleId, first.Version, user.UserName, now);
    }

    /// <summary>What the caller still has to read (the banner and the inbox).</summary>
    public async Task<List<PendingReading>> PendingForAsync(string userName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await db.ReadingRequirements.AsNoTracking().Where(r => r.UserName == userName && r.Status == RequirementStatus.Pending)
            .Join(db.ReadingAssignments.Where(a => a.Status == AssignmentStatus.Active), r => r.AssignmentId, a => a.Id, (r, a) => a)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.DueAt).Select(a => new PendingReading(a.Id, a.ArticleId, a.ArticleTitle, a.Version, a.DueAt, now > a.DueAt))];
    }

    public async Task<List<ReadingAssignment>> ListAsync(Guid? articleId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!CanSeeAssignments(user))
        {
            throw new ForbiddenException("Reading assignments are for process owners and compliance officers.");
        }

        var query = db.ReadingAssignments.AsNoTracking();
        if (articleId is { } id)
        {
            query = query.Where(a => a.ArticleId == id);
        }

        return await query.OrderByDescending(a => a.CreatedAt).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// After a new major version is published: every assignment of the article that was not withdrawn starts again
    /// for the same audience (resolved anew), with the same time to read.
    /// </summary>
    public async Task<int> RetriggerAsync(Guid articleId, ArticleVersion published, string userName, CancellationToken cancellationToken)
    {
        var earlier = await db.ReadingAssignments.Where(a => a.ArticleId == articleId && a.Status != AssignmentStatus.Withdrawn && a.VersionId != published.Id).ToListAsync(cancellationToken);
        var latestPerChain = earlier.Where(a => !earlier.Any(b => b.PreviousAssignmentId == a.Id)).ToList();
        var article = await db.Articles.AsNoTracking().SingleAsync(a => a.Id == articleId, cancellationToken);
        foreach (var old in latestPerChain)
        {
            var users = JsonSerializer.Deserialize<List<string>>(old.AudienceUsers) ?? [];
            var groups = JsonSerializer.Deserialize<List<string>>(old.AudienceGroups) ?? [];
            var readers = await ResolveAudienceAsync(users, groups, cancellationToken);
            if (readers.Count > 0)
            {
                var span = old.DueAt - old.CreatedAt;
                await StartAsync(article, published, readers, users, groups, clock.GetUtcNow() + span, old.JoinCutoff, userName, old.Id, cancellationToken);
            }
        }

        return latestPerChain.Count;
    }

    /// <summary>Someone joined a group: active assignments naming the group (before their cut-off) now require them too.</summary>
    public Task<int> OnMemberAddedAsync(string groupName, string userName, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(_ => AddJoinedMemberAsync(groupName, userName, cancellationToken), cancellationToken);

    private async Task<int> AddJoinedMemberAsync(string groupName, string userName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var pattern = $"%{JsonSerializer.Serialize(groupName)}%";
        var assignments = await db.ReadingAssignments.Where(a => a.Status == AssignmentStatus.Active && (a.JoinCutoff == null || a.JoinCutoff > now)
            && EF.Functions.Like(a.AudienceGroups, pattern)).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var assignment in assignments)
        {
            if (await db.ReadingRequirements.AnyAsync(r => r.AssignmentId == assignment.Id && r.UserName == userName, cancellationToken))
            {
                continue;
            }

            var instanceId = await StartProcessAsync(assignment, [userName], cancellationToken);
            db.ReadingRequirements.Add(new ReadingRequirement { AssignmentId = assignment.Id, UserName = userName, AddedAt = now, InstanceId = instanceId, Source = "joined" });
            added++;
        }

        return added;
    }

    /// <summary>Called when a reading process ends: the assignment is complete once nobody is pending.</summary>
    public async Task CompleteIfDoneAsync(Guid assignmentId, CancellationToken cancellationToken)
    {
        var assignment = await db.ReadingAssignments.SingleOrDefaultAsync(a => a.Id == assignmentId, cancellationToken);
        if (assignment is { Status: AssignmentStatus.Active } && !await db.ReadingRequirements.AnyAsync(r => r.AssignmentId == assignmentId && r.Status == RequirementStatus.Pending, cancellationToken))
        {
            assignment.Status = AssignmentStatus.Completed;
            assignment.EndedAt = clock.GetUtcNow();
            assignment.Revision++;
        }
    }

    private async Task<ReadingAssignment> StartAsync(Article article, ArticleVersion version, List<string> readers, IReadOnlyList<string> users, IReadOnlyList<string> groups,
        DateTimeOffset dueAt, DateTimeOffset? joinCutoff, string createdBy, Guid? previous, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var remindAt = dueAt - options.Value.ReminderBefore;
        if (remindAt <= now)
        {
            remindAt = now + ((dueAt - now) / 2);   // a short deadline: remind half-way
        }

        var assignment = new ReadingAssignment
        {
            ArticleId = article.Id, VersionId = version.Id, Version = version.Label, ArticleTitle = version.Title, DueAt = dueAt, RemindAt = remindAt, JoinCutoff = joinCutoff,
            AudienceUsers = JsonSerializer.Serialize(users), AudienceGroups = JsonSerializer.Serialize(groups), CreatedBy = createdBy, CreatedAt = now, PreviousAssignmentId = previous,
        };
        db.ReadingAssignments.Add(assignment);
        var instanceId = await StartProcessAsync(assignment, readers, cancellationToken);
        db.ReadingRequirements.AddRange(readers.Select(r => new ReadingRequirement { AssignmentId = assignment.Id, UserName = r, AddedAt = now, InstanceId = instanceId }));
        return assignment;
    }

    /// <summary>Starts the reading process in the running engine command (the caller runs inside one).</summary>
    private Task<Guid> StartProcessAsync(ReadingAssignment assignment, IReadOnlyList<string> readers, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(unit => reading.StartAsync(unit, assignment, readers, cancellationToken), cancellationToken);

    private async Task CompleteReadingTaskAsync(ReadingRequirement requirement, CurrentUser user, CancellationToken cancellationToken)
    {
        if (requirement.InstanceId is not { } instanceId)
        {
            return;
        }

        var taskIds = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && t.Assignee == user.UserName && t.Status == TaskStatus.Open && t.FormKey == ReadingFormKey)
            .Select(t => t.Id).ToListAsync(cancellationToken);
        foreach (var taskId in taskIds)
        {
            db.ChangeTracker.Clear();
            await complete.RunAsync(taskId, new Dictionary<string, JsonNode?>(), user, cancellationToken, byOwningUseCase: true);
        }
    }

    private async Task<List<(ReadingRequirement Requirement, ReadingAssignment Assignment)>> PendingAsync(string userName, Guid articleId, CancellationToken cancellationToken)
    {
        var rows = await db.ReadingRequirements.AsNoTracking().Where(r => r.UserName == userName && r.Status == RequirementStatus.Pending)
            .Join(db.ReadingAssignments.Where(a => a.ArticleId == articleId && a.Status == AssignmentStatus.Active), r => r.AssignmentId, a => a.Id, (r, a) => new { r, a })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(x => (x.r, x.a))];
    }

    private async Task<ArticleVersion> ResolveVersionAsync(Article article, string? version, CancellationToken cancellationToken)
    {
        var published = await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == article.Id && (v.Status == ArticleVersionStatus.Published || v.Status == ArticleVersionStatus.Superseded)).ToListAsync(cancellationToken);
        var chosen = string.IsNullOrWhiteSpace(version) ? published.SingleOrDefault(v => v.Status == ArticleVersionStatus.Published) : published.SingleOrDefault(v => v.Label == version.Trim());
        return chosen ?? throw ValidationFailedException.For("version", string.IsNullOrWhiteSpace(version)
            ? "The article has no published version yet; publish it before assigning it."
            : $"Version {version} of the article was never published.");
    }

    private async Task<List<string>> GroupNamesAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var guids = ids.Select(i => Guid.TryParse(i, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var found = await db.Groups.AsNoTracking().Where(g => ids.Contains(g.Name) || guids.Contains(g.Id)).Select(g => g.Name).ToListAsync(cancellationToken);
        var unknown = ids.Where(i => !found.Contains(i) && !guids.Contains(Guid.TryParse(i, out var g) ? g : Guid.Empty)).ToList();
        return unknown.Count > 0 ? throw ValidationFailedException.For("groupIds", $"Unknown group(s): {string.Join(", ", unknown)}.") : found;
    }

    /// <summary>Active users named directly (by id or user name) plus the active members of the groups, once each.</summary>
    private async Task<List<string>> ResolveAudienceAsync(IReadOnlyList<string> users, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        var guids = users.Select(i => Guid.TryParse(i, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var normalized = users.Select(u => u.Trim().ToUpperInvariant()).ToList();
        var direct = await db.Users.AsNoTracking().Where(u => u.IsActive && (guids.Contains(u.Id) || normalized.Contains(u.NormalizedUserName))).Select(u => u.UserName).ToListAsync(cancellationToken);
        if (direct.Count < users.Count)
        {
            var known = await db.Users.AsNoTracking().Where(u => guids.Contains(u.Id) || normalized.Contains(u.NormalizedUserName)).Select(u => new { u.Id, u.NormalizedUserName }).ToListAsync(cancellationToken);
            var missing = users.Where(u => !known.Any(k => string.Equals(k.NormalizedUserName, u.Trim(), StringComparison.OrdinalIgnoreCase) || (Guid.TryParse(u, out var g) && k.Id == g))).ToList();
            if (missing.Count > 0)
            {
                throw ValidationFailedException.For("userIds", $"Unknown user(s): {string.Join(", ", missing)}.");
            }
        }

        var members = await db.GroupMembers.AsNoTracking()
            .Join(db.Groups.Where(g => groups.Contains(g.Name)), m => m.GroupId, g => g.Id, (m, g) => m.UserId)
            .Join(db.Users.Where(u => u.IsActive), id => id, u => u.Id, (id, u) => u.UserName).ToListAsync(cancellationToken);
        var all = direct.Concat(members).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return all.Count == 0 ? throw ValidationFailedException.For("groupIds", "The audience has no active users.") : all;
    }

    private static bool CanSeeAssignments(CurrentUser user) => user.IsProcessOwner || user.Roles.Contains(Roles.Compliance);

    private static void RequireAssigner(CurrentUser user)
    {
        if (!CanSeeAssignments(user))
        {
            throw new ForbiddenException("Only process owners and compliance officers assign mandatory reading.");
        }
    }

    private static string? Trim(string? client) => client is { Length: > 300 } ? client[..300] : client;
}
