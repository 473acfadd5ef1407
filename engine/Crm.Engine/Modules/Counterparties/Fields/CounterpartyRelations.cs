using Crm.Platform.Access;
using Crm.Workflow.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>A node of the company tree; a company the caller may not see appears without its name.</summary>
public sealed record RelationNode(Guid Id, string? Name, string Kind, bool Visible, bool Current, IReadOnlyList<RelationNode> Children);

public sealed record RelationTree(RelationNode Root, IReadOnlyList<RelationNode> Partners);

/// <summary>Head office → branch and parent → subsidiary trees (kept acyclic), partnerships, and named groups of counterparties.</summary>
public sealed class CounterpartyRelations(CrmDbContext db, CounterpartyAccess recordAccess)
{
    private const int MaxDepth = 12, MaxNodes = 500;

    public async Task AddAsync(Guid parentId, Guid childId, string? kind, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Edit);
        if (!Enum.TryParse<RelationKind>(kind, ignoreCase: true, out var relation) || !Enum.IsDefined(relation))
        {
            throw ValidationFailedException.For("kind", "Use one of: branch, subsidiary, partner.");
        }

        if (parentId == childId)
        {
            throw ValidationFailedException.For("childId", "A counterparty cannot be related to itself.");
        }

        var visible = await recordAccess.Visible(db.Counterparties, user).Where(c => c.Id == parentId || c.Id == childId).CountAsync(cancellationToken);
        if (visible < 2)
        {
            throw new NotFoundException("One of the counterparties does not exist.");
        }

        if (relation != RelationKind.Partner && (await AncestorsAsync(parentId, cancellationToken)).Contains(childId))
        {
            throw ValidationFailedException.For("childId", "This would make a company its own parent: the tree would have a loop.");
        }

        if (relation != RelationKind.Partner && await db.Set<CounterpartyRelation>().AnyAsync(r => r.ChildId == childId && r.Kind != RelationKind.Partner, cancellationToken))
        {
            throw ValidationFailedException.For("childId", "This company already has a head office or parent; remove that link first.");
        }

        if (await db.Set<CounterpartyRelation>().AnyAsync(r => (r.ParentId == parentId && r.ChildId == childId) || (r.ParentId == childId && r.ChildId == parentId), cancellationToken))
        {
            throw new ConflictException("These counterparties are already related.");
        }

        db.Add(new CounterpartyRelation { ParentId = parentId, ChildId = childId, Kind = relation });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemoveAsync(Guid parentId, Guid childId, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Edit);
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == parentId || c.Id == childId, cancellationToken))
        {
            throw new NotFoundException("The counterparty does not exist.");
        }

        await db.Set<CounterpartyRelation>().Where(r => r.ParentId == parentId && r.ChildId == childId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The whole tree the counterparty belongs to (from its top-most parent down), and its partners.</summary>
    public async Task<RelationTree> TreeAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        var ancestors = await AncestorsAsync(id, cancellationToken);
        var rootId = ancestors.Count > 0 ? ancestors[^1] : id;
        var edges = new List<CounterpartyRelation>();
        var level = new List<Guid> { rootId };
        for (var depth = 0; depth < MaxDepth && level.Count > 0 && edges.Count < MaxNodes; depth++)
        {
            var next = await db.Set<CounterpartyRelation>().AsNoTracking().Where(r => level.Contains(r.ParentId) && r.Kind != RelationKind.Partner)
                .Take(MaxNodes).ToListAsync(cancellationToken);
            edges.AddRange(next);
            level = [.. next.Select(r => r.ChildId)];
        }

        var partners = await db.Set<CounterpartyRelation>().AsNoTracking().Where(r => r.Kind == RelationKind.Partner && (r.ParentId == id || r.ChildId == id))
            .Select(r => r.ParentId == id ? r.ChildId : r.ParentId).ToListAsync(cancellationToken);
        var ids = edges.Select(e => e.ChildId).Append(rootId).Concat(partners).Distinct().ToList();
        var names = await recordAccess.Visible(db.Counterparties, user).Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Name })
            .ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        RelationNode Node(Guid nodeId, string kind) => new(nodeId, names.GetValueOrDefault(nodeId), kind, names.ContainsKey(nodeId), nodeId == id,
            [.. edges.Where(e => e.ParentId == nodeId).Select(e => Node(e.ChildId, e.Kind.ToString().ToLowerInvariant()))]);
        return new RelationTree(Node(rootId, "root"), [.. partners.Select(p => new RelationNode(p, names.GetValueOrDefault(p), "partner", names.ContainsKey(p), false, []))]);
    }

    /// <summary>Parents up to the top (nearest first).</summary>
    private async Task<List<Guid>> AncestorsAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = new List<Guid>();
        var current = id;
        for (var i = 0; i < MaxDepth; i++)
        {
            var parent = await db.Set<CounterpartyRelation>().Where(r => r.ChildId == current && r.Kind != RelationKind.Partner).Select(r => (Guid?)r.ParentId).FirstOrDefaultAsync(cancellationToken);
            if (parent is not { } p || found.Contains(p))
            {
                break;
            }

            found.Add(p);
            current = p;
        }

        return found;
    }

    public async Task<List<string>> GroupsAsync(CancellationToken cancellationToken) =>
        await db.Set<CounterpartyGroup>().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);

    public async Task<List<string>> GroupsOfAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        return await db.Set<CounterpartyGroupMember>().Where(m => m.CounterpartyId == id)
            .Join(db.Set<CounterpartyGroup>(), m => m.GroupId, g => g.Id, (m, g) => g.Name).OrderBy(n => n).ToListAsync(cancellationToken);
    }

    /// <summary>Puts the counterparty in the named group (created on first use) or takes it out.</summary>
    public async Task SetMembershipAsync(Guid id, string? group, bool member, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Edit);
        var name = group?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            throw ValidationFailedException.For("group", "Give the group name (at most 100 characters).");
        }

        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {id} does not exist.");
        }

        var existing = await db.Set<CounterpartyGroup>().SingleOrDefaultAsync(g => g.Name == name, cancellationToken);
        if (!member)
        {
            if (existing is not null)
            {
                await db.Set<CounterpartyGroupMember>().Where(m => m.GroupId == existing.Id && m.CounterpartyId == id).ExecuteDeleteAsync(cancellationToken);
            }

            return;
        }

        if (existing is null)
        {
            existing = new CounterpartyGroup { Name = name };
            db.Add(existing);
        }
        else if (await db.Set<CounterpartyGroupMember>().AnyAsync(m => m.GroupId == existing.Id && m.CounterpartyId == id, cancellationToken))
        {
            return;
        }

        db.Add(new CounterpartyGroupMember { GroupId = existing.Id, CounterpartyId = id });
        await db.SaveChangesAsync(cancellationToken);
    }
}
