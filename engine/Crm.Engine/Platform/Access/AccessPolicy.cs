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
    private long _generation;   // moves with every change on this node: a reload that began before it is not kept

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

                var generation = Interlocked.Read(ref _generation);
                var loaded = Load();
                if (Interlocked.Read(ref _generation) == generation)
                {
                    _snapshot = loaded;
                }

                return loaded;
            }
            finally
            {
                _reloading.Exit();
            }
        }
    }

    /// <summary>After a rule changed here: the next question reads the rules again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

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
        var loadedAt = clock.GetUtcNow();   // before reading: a change committed meanwhile is read again on time
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return new AccessSnapshot(
            [.. db.Set<AccessRight>().AsNoTracking()],
            [.. db.Set<RecordRule>().AsNoTracking()],
            [.. db.Set<FieldRule>().AsNoTracking()],
            loadedAt);
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
        AccessObjects.Campaign => "campaigns",
        AccessObjects.Survey => "surveys",
        AccessObjects.Loyalty => "loyalty programmes",
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

    /// <summary>
    /// The most generous of the rules that apply: those naming the field, and for a sensitive field the sensitive-fields
    /// rules too. With none, an ordinary field is writable and a sensitive one hidden.
    /// </summary>
    public FieldLevel Level(string field, bool sensitive)
    {
        var named = levels.TryGetValue(field, out var n) ? n : (FieldLevel?)null;
        var wildcard = sensitive && levels.TryGetValue(AccessObjects.SensitiveFields, out var w) ? w : (FieldLevel?)null;
        return (named, wildcard) switch
        {
            (null, null) => sensitive ? FieldLevel.Hidden : FieldLevel.Write,
            ({ } a, null) => a,
            (null, { } b) => b,
            ({ } a, { } b) => a > b ? a : b,
        };
    }

    public bool CanRead(string field, bool sensitive) => Level(field, sensitive) >= FieldLevel.Read;

    public bool CanWrite(string field, bool sensitive) => Level(field, sensitive) == FieldLevel.Write;
}
