using Crm.Platform.Access;
using Crm.Modules.Counterparties.Fields;
using Crm.Platform.Common;
using Crm.Platform.Audit;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Another module's rows that point at a counterparty (complaints, tickets …): when two duplicates are merged, each
/// module moves its own rows to the survivor in the caller's context, so everything commits together.
/// </summary>
[ModuleContract]
public interface ICounterpartyReferences
{
    /// <summary>What the rows are called in the merge result ("complaints").</summary>
    string Name { get; }

    /// <summary>Points the rows of <paramref name="fromId"/> at <paramref name="toId"/> (tracked, not saved); how many.</summary>
    Task<int> MoveAsync(Guid fromId, Guid toId, CancellationToken cancellationToken);
}

public sealed record MergeRequest(Guid DuplicateId, int Revision, int DuplicateRevision);

/// <summary>What moved from the duplicate to the survivor, by kind.</summary>
public sealed record MergeResult(Guid SurvivorId, Guid DuplicateId, IReadOnlyDictionary<string, int> Moved);

/// <summary>
/// Merges a duplicate into the counterparty that stays: persons, activities, notes, cases, bank accounts, blocks,
/// relations and group memberships move (and every other module's rows through <see cref="ICounterpartyReferences"/>);
/// the duplicate's name joins the survivor's name history; the duplicate is archived with the survivor as its
/// successor. One commit; audited on both (each moved person and case is audited too).
/// </summary>
public sealed class CounterpartyMerge(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock, IEnumerable<ICounterpartyReferences> references)
{
    public async Task<MergeResult> MergeAsync(Guid survivorId, MergeRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        recordAccess.Require(user, AccessObjects.Counterparty, AccessRights.Delete);

        if (request.DuplicateId == survivorId)
        {
            throw ValidationFailedException.For("duplicateId", "Choose another counterparty to merge into this one.");
        }

        var visible = recordAccess.Visible(db.Counterparties, user);
        var survivor = await visible.SingleOrDefaultAsync(c => c.Id == survivorId, cancellationToken) ?? throw new NotFoundException($"Counterparty {survivorId} does not exist.");
        var duplicate = await visible.SingleOrDefaultAsync(c => c.Id == request.DuplicateId, cancellationToken)
            ?? throw ValidationFailedException.For("duplicateId", "The duplicate does not exist.");
        if (survivor.Revision != request.Revision || duplicate.Revision != request.DuplicateRevision)
        {
            throw new ConflictException("One of the two was changed since you opened it; reload and merge again.");
        }

        if (survivor.Archived || duplicate.Archived)
        {
            throw new ConflictException("Archived counterparties are not merged; restore it first.");
        }

        var from = duplicate.Id;
        var to = survivor.Id;
        var moved = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["persons"] = Move(await db.Persons.Where(p => p.CounterpartyId == from).ToListAsync(cancellationToken), p => p.CounterpartyId = to),
            ["activities"] = Move(await db.Activities.Where(a => a.CounterpartyId == from).ToListAsync(cancellationToken), a => a.CounterpartyId = to),
            ["notes"] = Move(await db.Notes.Where(n => n.CounterpartyId == from).ToListAsync(cancellationToken), n => n.CounterpartyId = to),
            ["cases"] = Move(await db.Cases.Where(k => k.CounterpartyId == from).ToListAsync(cancellationToken), k => k.CounterpartyId = to),
            ["blocks"] = Move(await db.Set<CounterpartyBlock>().Where(b => b.CounterpartyId == from).ToListAsync(cancellationToken), b => b.CounterpartyId = to),
        };

        var ibans = await db.Set<BankAccount>().Where(b => b.CounterpartyId == to).Select(b => b.Iban).ToListAsync(cancellationToken);
        moved["bank accounts"] = Move(await db.Set<BankAccount>().Where(b => b.CounterpartyId == from && !ibans.Contains(b.Iban)).ToListAsync(cancellationToken), b => b.CounterpartyId = to);
        Move(await db.Set<PreviousName>().Where(p => p.CounterpartyId == from).ToListAsync(cancellationToken), p => p.CounterpartyId = to);
        db.Add(new PreviousName { CounterpartyId = to, Name = duplicate.Name, ValidUntil = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) });
        // Companies that were merged into the duplicate earlier now lead to the survivor.
        moved["successors"] = Move(await db.Counterparties.Where(c => c.SuccessorId == from).ToListAsync(cancellationToken), c => c.SuccessorId = to);
        moved["relations"] = await MoveRelationsAsync(from, to, cancellationToken);
        moved["groups"] = await MoveGroupsAsync(from, to, cancellationToken);
        foreach (var module in references)
        {
            moved[module.Name] = await module.MoveAsync(from, to, cancellationToken);
        }

        duplicate.Archived = true;
        duplicate.SuccessorId = to;
        duplicate.Revision++;
        survivor.Revision++;
        var now = clock.GetUtcNow();
        db.AuditLog.Add(Audited.Row(AuditActor.Or(user.UserName), "crm.counterparty-merged", "counterparty", to.ToString(), now, null,
            new { duplicate = from, name = duplicate.Name, nip = duplicate.Nip, moved }));
        db.AuditLog.Add(Audited.Row(AuditActor.Or(user.UserName), "crm.counterparty-merged-into", "counterparty", from.ToString(), now, null,
            new { survivor = to, name = survivor.Name }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException("One of the two was changed at the same moment; reload and merge again.");
        }

        return new MergeResult(to, from, moved);
    }

    private async Task<int> MoveRelationsAsync(Guid from, Guid to, CancellationToken cancellationToken)
    {
        var count = 0;
        var existing = await db.Set<CounterpartyRelation>().Where(r => r.ParentId == to || r.ChildId == to).ToListAsync(cancellationToken);
        foreach (var relation in await db.Set<CounterpartyRelation>().Where(r => r.ParentId == from || r.ChildId == from).ToListAsync(cancellationToken))
        {
            var parent = relation.ParentId == from ? to : relation.ParentId;
            var child = relation.ChildId == from ? to : relation.ChildId;
            // A relation between the two themselves, or one the survivor already has, goes.
            if (parent == child || existing.Any(e => (e.ParentId == parent && e.ChildId == child) || (e.ParentId == child && e.ChildId == parent)))
            {
                db.Remove(relation);
                continue;
            }

            (relation.ParentId, relation.ChildId) = (parent, child);
            count++;
        }

        return count;
    }

    private async Task<int> MoveGroupsAsync(Guid from, Guid to, CancellationToken cancellationToken)
    {
        var survivorGroups = await db.Set<CounterpartyGroupMember>().Where(m => m.CounterpartyId == to).Select(m => m.GroupId).ToListAsync(cancellationToken);
        var count = 0;
        foreach (var member in await db.Set<CounterpartyGroupMember>().Where(m => m.CounterpartyId == from).ToListAsync(cancellationToken))
        {
            db.Remove(member);   // the key includes the counterparty: a new row rather than a changed key
            if (!survivorGroups.Contains(member.GroupId))
            {
                db.Add(new CounterpartyGroupMember { GroupId = member.GroupId, CounterpartyId = to });
                count++;
            }
        }

        return count;
    }

    private static int Move<T>(List<T> rows, Action<T> change)
    {
        rows.ForEach(change);
        return rows.Count;
    }
}
