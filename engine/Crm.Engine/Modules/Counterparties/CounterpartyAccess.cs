using System.Linq.Expressions;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Which counterparties a user sees, as the admin's rules say (<see cref="AccessPolicy"/>): the union of the record
/// rules for their subjects, nothing without the read right. Persons, cases, notes, activities, complaints and tickets
/// are seen with their company, so every list, count, search, export and timeline of them starts here. The shipped
/// rules are those the product had built in: admins, process owners and compliance see all, others what they own and
/// what lies in a region named like one of their groups.
/// </summary>
[ModuleContract]
public sealed class CounterpartyAccess(AccessPolicy policy, CrmDbContext db, TimeProvider clock)
{
    private FieldContext? _customFields;

    public IQueryable<Counterparty> Visible(IQueryable<Counterparty> query, CurrentUser user)
    {
        var snapshot = policy.Current;
        if (!snapshot.Rights(user, AccessObjects.Counterparty).HasFlag(AccessRights.Read))
        {
            return query.Where(c => false);
        }

        var rules = snapshot.RecordRules(user);
        if (rules.Any(r => r.Scope == RecordScope.All))
        {
            return query;
        }

        Expression<Func<Counterparty, bool>>? any = null;
        foreach (var rule in rules)
        {
            var condition = Condition(rule, user);
            any = any is null ? condition : FieldConditions.Combine(any, condition, all: false);
        }

        return query.Where(any ?? (c => false));
    }

    /// <summary>
    /// The rows of <see cref="Visible"/> as disjoint parts whose UNION ALL is the whole. With the shipped kinds of rule
    /// (own records, own groups' regions): one part per group (region) and one for the caller's own rows outside those
    /// regions, so a list sorted by name takes the first rows of each part from its (Region|Owner, SearchName, Id)
    /// index and merges them, where the OR of <see cref="Visible"/> makes PostgreSQL read and sort a whole region.
    /// Other rules give the one part <see cref="Visible"/>.
    /// </summary>
    public IReadOnlyList<IQueryable<Counterparty>> Branches(IQueryable<Counterparty> query, CurrentUser user)
    {
        var snapshot = policy.Current;
        var rules = snapshot.RecordRules(user);
        if (!snapshot.Rights(user, AccessObjects.Counterparty).HasFlag(AccessRights.Read)
            || rules.Any(r => r.Scope is RecordScope.All or RecordScope.Matching))
        {
            return [Visible(query, user)];
        }

        var owned = rules.Any(r => r.Scope == RecordScope.Owned);
        var groups = rules.Any(r => r.Scope == RecordScope.OwnGroupRegions)
            ? user.Groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : [];
        var name = user.UserName;
        var branches = new List<IQueryable<Counterparty>>();
        if (owned)
        {
            branches.Add(query.Where(c => c.Owner == name && (c.Region == null || !groups.Contains(c.Region))));
        }

        foreach (var group in groups)
        {
            var region = group;   // its own parameter per branch
            branches.Add(query.Where(c => c.Region == region));
        }

        return branches.Count > 0 ? branches : [query.Where(c => false)];
    }

    /// <summary>Whether the user's record rules open every counterparty (and so every record of <paramref name="objectType"/> they may read).</summary>
    public bool SeesAll(CurrentUser user, string objectType = AccessObjects.Counterparty)
    {
        var snapshot = policy.Current;
        return snapshot.Rights(user, objectType).HasFlag(AccessRights.Read) && snapshot.Rights(user, AccessObjects.Counterparty).HasFlag(AccessRights.Read)
            && snapshot.RecordRules(user).Any(r => r.Scope == RecordScope.All);
    }

    public bool Can(CurrentUser user, string objectType, AccessRights right) => policy.Can(user, objectType, right);

    /// <summary>Refuses (403) without the right.</summary>
    public void Require(CurrentUser user, string objectType, AccessRights right) => policy.Require(user, objectType, right);

    /// <summary>The user's field levels for counterparties, persons or cases.</summary>
    public FieldGate Fields(CurrentUser user, string objectType = AccessObjects.Counterparty) => policy.Fields(user, objectType);

    /// <summary>Credit limit, payment terms, bank accounts and lifting others' blocks: the sensitive trade terms.</summary>
    public bool SeesTradeTerms(CurrentUser user) => Fields(user).CanWrite("creditLimit", sensitive: true);

    private Expression<Func<Counterparty, bool>> Condition(RecordRule rule, CurrentUser user)
    {
        var name = user.UserName;
        var groups = user.Groups.ToList();
        switch (rule.Scope)
        {
            case RecordScope.Owned:
                return c => c.Owner == name;
            case RecordScope.OwnGroupRegions:
                return c => c.Region != null && groups.Contains(c.Region);
            case RecordScope.Matching:
                try
                {
                    return CounterpartyFilters.AllOf(ParseConditions(rule.Conditions), CustomFields(), db, clock.GetUtcNow());
                }
                catch (ValidationFailedException)
                {
                    // A rule whose field has since gone opens nothing rather than everything.
                    return c => false;
                }
            default:
                return c => false;
        }
    }

    /// <summary>The record rules in force for the user, in words (the "see as user" preview).</summary>
    public IReadOnlyList<string> Describe(CurrentUser user)
    {
        var snapshot = policy.Current;
        if (!snapshot.Rights(user, AccessObjects.Counterparty).HasFlag(AccessRights.Read))
        {
            return ["No read right on counterparties: sees none."];
        }

        return [.. snapshot.RecordRules(user).Select(r => r.Scope switch
        {
            RecordScope.All => $"All counterparties ({r.Subject})",
            RecordScope.Owned => $"Those they own ({r.Subject})",
            RecordScope.OwnGroupRegions => user.Groups.Count > 0
                ? $"Those in the regions {string.Join(", ", user.Groups.Order(StringComparer.Ordinal))} ({r.Subject})"
                : $"Those in their groups' regions: they are in no group ({r.Subject})",
            _ => $"Those where {string.Join(" and ", ParseConditions(r.Conditions))} ({r.Subject})",
        })];
    }

    public static List<FieldFilter> ParseConditions(string? conditions) =>
        [.. (conditions ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FieldFilter.Parse)];

    /// <summary>The counterparty custom fields, for rules that name one (once per request).</summary>
    private FieldContext CustomFields() => _customFields ??= new FieldContext(
        [.. db.Set<CustomFieldDefinition>().AsNoTracking().Where(f => f.Entity == "counterparty" && !f.Archived)],
        new Dictionary<string, IReadOnlyList<string>>());
}
