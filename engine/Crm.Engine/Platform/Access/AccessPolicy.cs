using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Platform.Access;

/// <summary>
/// The one place that answers what a user may do: rights per object type, which counterparty records they see, how far
/// they may go with each field. The rules are data an admin edits (<see cref="AccessAdministration"/>); this holds them
/// in memory and reads them again after a change on this node at once, and from other nodes within
/// <see cref="MaxAge"/>. Every list, search, count, export, timeline and API call asks it through its module's
/// access class (<c>CounterpartyAccess</c>, <c>ComplaintAccess</c>, ...).
/// </summary>
public sealed class AccessPolicy(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);

    private readonly Lock _reloading = new();
    private volatile AccessSnapshot? _snapshot;

    public AccessSnapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            if (snapshot is not null && clock.GetUtcNow() - snapshot.LoadedAt < MaxAge)
            {
                return snapshot;
            }

            // One caller reads the rules again; the others go on with the previous ones meanwhile.
            if (snapshot is not null && !_reloading.TryEnter())
            {
                return snapshot;
            }

            if (snapshot is null)
            {
                _reloading.Enter();
            }

            try
            {
                if (_snapshot is { } fresh && clock.GetUtcNow() - fresh.LoadedAt < MaxAge)
                {
                    return fresh;
                }

                return _snapshot = Load();
            }
            finally
            {
                _reloading.Exit();
            }
        }
    }

    /// <summary>After a rule changed here: the next question reads the rules again.</summary>
    public void Invalidate() => _snapshot = null;

    public bool Can(CurrentUser user, string objectType, AccessRights right) => Current.Rights(user, objectType).HasFlag(right);

    public void Require(CurrentUser user, string objectType, AccessRights right)
    {
        if (!Can(user, objectType, right))
        {
            throw new ForbiddenException($"You may not {Verb(right)} {Plural(objectType)}.");
        }
    }

    public FieldGate Fields(CurrentUser user, string objectType) => Current.Fields(user, objectType);

    private AccessSnapshot Load()
    {
        // Synchronous on purpose: callers build queries synchronously, and this runs once per MaxAge per node.
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return new AccessSnapshot(
            [.. db.Set<AccessRight>().AsNoTracking()],
            [.. db.Set<RecordRule>().AsNoTracking()],
            [.. db.Set<FieldRule>().AsNoTracking()],
            clock.GetUtcNow());
    }

    public static string Verb(AccessRights right) => right switch
    {
        AccessRights.Read => "see",
        AccessRights.Create => "create",
        AccessRights.Edit => "change",
        AccessRights.Delete => "archive or remove",
        AccessRights.Export => "export",
        _ => "use",
    };

    public static string Plural(string objectType) => objectType switch
    {
        AccessObjects.Counterparty => "counterparties",
        AccessObjects.Person => "persons",
        AccessObjects.Case => "sales cases",
        AccessObjects.Complaint => "complaints",
        _ => objectType,
    };
}

/// <summary>The rules as read at one moment.</summary>
public sealed class AccessSnapshot(IReadOnlyList<AccessRight> rights, IReadOnlyList<RecordRule> records, IReadOnlyList<FieldRule> fields, DateTimeOffset loadedAt)
{
    public DateTimeOffset LoadedAt => loadedAt;

    public AccessRights Rights(CurrentUser user, string objectType)
    {
        var subjects = Subjects(user);
        return rights.Where(r => r.ObjectType == objectType && subjects.Contains(r.Subject)).Aggregate(AccessRights.None, (all, r) => all | r.Rights);
    }

    public IReadOnlyList<RecordRule> RecordRules(CurrentUser user)
    {
        var subjects = Subjects(user);
        return [.. records.Where(r => subjects.Contains(r.Subject))];
    }

    public FieldGate Fields(CurrentUser user, string objectType)
    {
        var subjects = Subjects(user);
        var levels = fields.Where(f => f.ObjectType == objectType && subjects.Contains(f.Subject))
            .GroupBy(f => f.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(f => f.Level), StringComparer.Ordinal);
        return new FieldGate(levels);
    }

    private static HashSet<string> Subjects(CurrentUser user) => [.. AccessSubjects.Of(user)];
}

/// <summary>One user's field levels for one object type.</summary>
[ModuleContract]
public sealed class FieldGate(IReadOnlyDictionary<string, FieldLevel> levels)
{
    /// <summary>For the product's own work (rules, merges): every field.</summary>
    public static readonly FieldGate Everything = new(new Dictionary<string, FieldLevel>(StringComparer.Ordinal) { [AccessObjects.SensitiveFields] = FieldLevel.Write });

    /// <summary>A field named by a rule for this user goes by that rule; else an ordinary field is writable and a sensitive one goes by the sensitive-fields rules.</summary>
    public FieldLevel Level(string field, bool sensitive) =>
        levels.TryGetValue(field, out var named) ? named
        : !sensitive ? FieldLevel.Write
        : levels.TryGetValue(AccessObjects.SensitiveFields, out var level) ? level : FieldLevel.Hidden;

    public bool CanRead(string field, bool sensitive) => Level(field, sensitive) >= FieldLevel.Read;

    public bool CanWrite(string field, bool sensitive) => Level(field, sensitive) == FieldLevel.Write;
}
