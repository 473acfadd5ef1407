using Crm.Platform.Common;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Platform.Access;

public sealed record AccessRightView(Guid Id, string Subject, string ObjectType, IReadOnlyList<string> Rights);

public sealed record RecordRuleView(Guid Id, string Subject, string Scope, IReadOnlyList<string> Conditions);

public sealed record FieldRuleView(Guid Id, string Subject, string ObjectType, string Field, string Level);

public sealed record AccessField(string Key, string Label, bool Sensitive);

public sealed record AccessRules(IReadOnlyList<AccessRightView> Rights, IReadOnlyList<RecordRuleView> RecordRules, IReadOnlyList<FieldRuleView> FieldRules,
    IReadOnlyList<string> Subjects, IReadOnlyDictionary<string, IReadOnlyList<AccessField>> Fields);

public sealed record SetRightsRequest(string? Subject, string? ObjectType, IReadOnlyList<string>? Rights);

public sealed record RecordRuleRequest(string? Subject, string? Scope, IReadOnlyList<string>? Conditions);

public sealed record FieldRuleRequest(string? Subject, string? ObjectType, string? Field, string? Level);

/// <summary>The fields of each object type that field rules can name; a module that owns the object type answers.</summary>
public interface IAccessFieldCatalogue
{
    Task<IReadOnlyDictionary<string, IReadOnlyList<AccessField>>> FieldsAsync(CancellationToken cancellationToken);

    /// <summary>Null when the record rule's conditions are valid, else what is wrong with them.</summary>
    Task<string?> CheckConditionsAsync(IReadOnlyList<string> conditions, CancellationToken cancellationToken);
}

/// <summary>
/// Admins keep the rules <see cref="AccessPolicy"/> answers from: rights per role or group and object type, record rules,
/// field rules. Every change is audited (the audit rule of this folder) and takes effect at once on this node.
/// </summary>
public sealed class AccessAdministration(CrmDbContext db, AccessPolicy policy, IAccessFieldCatalogue catalogue, TimeProvider clock)
{
    public async Task<AccessRules> GetAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var rights = await db.Set<AccessRight>().AsNoTracking().ToListAsync(cancellationToken);
        var records = await db.Set<RecordRule>().AsNoTracking().ToListAsync(cancellationToken);
        var fields = await db.Set<FieldRule>().AsNoTracking().ToListAsync(cancellationToken);
        return new AccessRules(
            [.. rights.Where(r => r.Rights != AccessRights.None).OrderBy(r => SubjectOrder(r.Subject)).ThenBy(r => r.Subject, StringComparer.Ordinal)
                .ThenBy(r => AccessObjects.All.ToList().IndexOf(r.ObjectType)).Select(View)],
            [.. records.OrderBy(r => SubjectOrder(r.Subject)).ThenBy(r => r.Subject, StringComparer.Ordinal).ThenBy(r => r.Scope).Select(View)],
            [.. fields.OrderBy(f => AccessObjects.All.ToList().IndexOf(f.ObjectType)).ThenBy(f => f.Field, StringComparer.Ordinal).ThenBy(f => SubjectOrder(f.Subject))
                .ThenBy(f => f.Subject, StringComparer.Ordinal).Select(View)],
            await SubjectsAsync(cancellationToken),
            await catalogue.FieldsAsync(cancellationToken));
    }

    /// <summary>Sets a subject's rights on an object type (none removes the row).</summary>
    public async Task SetRightsAsync(SetRightsRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var subject = await CheckSubjectAsync(request.Subject, errors, cancellationToken);
        var type = CheckObjectType(request.ObjectType, errors);
        var rights = AccessRights.None;
        foreach (var name in request.Rights ?? [])
        {
            if (Enum.TryParse<AccessRights>(name, ignoreCase: true, out var right) && right is not (AccessRights.None or AccessRights.All) && Enum.IsDefined(right))
            {
                rights |= right;
            }
            else
            {
                errors["rights"] = [$"'{name}' is not a right; use read, create, edit, delete, export."];
            }
        }

        if (rights != AccessRights.None && !rights.HasFlag(AccessRights.Read))
        {
            errors["rights"] = ["Creating, changing, archiving or exporting needs the read right too."];
        }

        ThrowIf(errors);
        var row = await db.Set<AccessRight>().SingleOrDefaultAsync(r => r.Subject == subject && r.ObjectType == type, cancellationToken);
        if (row is null && rights != AccessRights.None)
        {
            db.Add(new AccessRight { Subject = subject, ObjectType = type, Rights = rights, ChangedAt = clock.GetUtcNow(), ChangedBy = user.UserName });
        }
        else if (row is not null && rights == AccessRights.None)
        {
            db.Remove(row);
        }
        else if (row is not null)
        {
            (row.Rights, row.ChangedAt, row.ChangedBy) = (rights, clock.GetUtcNow(), user.UserName);
        }

        await SaveAsync(cancellationToken);
    }

    public async Task<Guid> AddRecordRuleAsync(RecordRuleRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var subject = await CheckSubjectAsync(request.Subject, errors, cancellationToken);
        var conditions = (request.Conditions ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (!Enum.TryParse<RecordScope>(request.Scope, ignoreCase: true, out var scope) || !Enum.IsDefined(scope))
        {
            errors["scope"] = ["Use one of: all, owned, ownGroupRegions, matching."];
        }
        else if (scope == RecordScope.Matching && conditions.Count == 0)
        {
            errors["conditions"] = ["Give at least one condition (field, operator, value)."];
        }
        else if (scope == RecordScope.Matching && await catalogue.CheckConditionsAsync(conditions, cancellationToken) is { } wrong)
        {
            errors["conditions"] = [wrong];
        }
        else if (scope != RecordScope.Matching && conditions.Count > 0)
        {
            errors["conditions"] = ["Only a rule for matching records has conditions."];
        }

        ThrowIf(errors);
        var text = scope == RecordScope.Matching ? string.Join('\n', conditions) : null;
        if (await db.Set<RecordRule>().AnyAsync(r => r.Subject == subject && r.Scope == scope && r.Conditions == text, cancellationToken))
        {
            throw new ConflictException("That rule exists already.");
        }

        var rule = new RecordRule { Subject = subject, Scope = scope, Conditions = text, ChangedAt = clock.GetUtcNow(), ChangedBy = user.UserName };
        db.Add(rule);
        await SaveAsync(cancellationToken);
        return rule.Id;
    }

    public async Task RemoveRecordRuleAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        db.Remove(await db.Set<RecordRule>().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"Record rule {id} does not exist."));
        await SaveAsync(cancellationToken);
    }

    /// <summary>Sets how far a subject may go with a field (upsert on subject, object type and field).</summary>
    public async Task SetFieldRuleAsync(FieldRuleRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var subject = await CheckSubjectAsync(request.Subject, errors, cancellationToken);
        var type = CheckObjectType(request.ObjectType, errors);
        var field = request.Field?.Trim() ?? "";
        var known = await catalogue.FieldsAsync(cancellationToken);
        if (field != AccessObjects.SensitiveFields && !(known.TryGetValue(type, out var fields) && fields.Any(f => f.Key == field)))
        {
            errors["field"] = [$"'{field}' is not a field of {AccessPolicy.Plural(type)} that rules can name."];
        }

        if (!Enum.TryParse<FieldLevel>(request.Level, ignoreCase: true, out var level) || !Enum.IsDefined(level))
        {
            errors["level"] = ["Use one of: hidden, read, write."];
        }

        ThrowIf(errors);
        var row = await db.Set<FieldRule>().SingleOrDefaultAsync(r => r.Subject == subject && r.ObjectType == type && r.Field == field, cancellationToken);
        if (row is null)
        {
            db.Add(new FieldRule { Subject = subject, ObjectType = type, Field = field, Level = level, ChangedAt = clock.GetUtcNow(), ChangedBy = user.UserName });
        }
        else
        {
            (row.Level, row.ChangedAt, row.ChangedBy) = (level, clock.GetUtcNow(), user.UserName);
        }

        await SaveAsync(cancellationToken);
    }

    public async Task RemoveFieldRuleAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        db.Remove(await db.Set<FieldRule>().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"Field rule {id} does not exist."));
        await SaveAsync(cancellationToken);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException("Another admin changed the same rule at the same moment; reload and try again.");
        }

        policy.Invalidate();
    }

    private async Task<List<string>> SubjectsAsync(CancellationToken cancellationToken) =>
        [AccessSubjects.Everyone, .. Roles.All.Where(r => r != Roles.ExternalWorker).Select(AccessSubjects.Role),
            .. (await db.Set<Group>().AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken)).Select(AccessSubjects.Group)];

    private async Task<string> CheckSubjectAsync(string? subject, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var value = subject?.Trim() ?? "";
        if (!(await SubjectsAsync(cancellationToken)).Contains(value, StringComparer.Ordinal))
        {
            errors["subject"] = [$"'{value}' is not everyone, a role (role:staff) or an existing group (group:sales)."];
        }

        return value;
    }

    private static string CheckObjectType(string? objectType, Dictionary<string, string[]> errors)
    {
        var value = objectType?.Trim().ToLowerInvariant() ?? "";
        if (!AccessObjects.All.Contains(value))
        {
            errors["objectType"] = [$"Use one of: {string.Join(", ", AccessObjects.All)}."];
        }

        return value;
    }

    private static void ThrowIf(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    private static void RequireAdmin(CurrentUser user)
    {
        if (!user.IsAdmin)
        {
            throw new ForbiddenException("Only administrators keep the permission rules.");
        }
    }

    private static int SubjectOrder(string subject) => subject == AccessSubjects.Everyone ? 0 : subject.StartsWith("role:", StringComparison.Ordinal) ? 1 : 2;

    private static AccessRightView View(AccessRight r) =>
        new(r.Id, r.Subject, r.ObjectType, [.. Enum.GetValues<AccessRights>().Where(x => x is not (AccessRights.None or AccessRights.All) && r.Rights.HasFlag(x)).Select(x => x.ToString().ToLowerInvariant())]);

    private static RecordRuleView View(RecordRule r) =>
        new(r.Id, r.Subject, JsonNaming(r.Scope.ToString()), (r.Conditions ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries));

    private static FieldRuleView View(FieldRule r) => new(r.Id, r.Subject, r.ObjectType, r.Field, r.Level.ToString().ToLowerInvariant());

    private static string JsonNaming(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
