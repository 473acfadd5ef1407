using Crm.Modules.Counterparties;
using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>
/// Rights on loyalty programmes (object type <c>loyalty</c>) and record level through the counterparty: a member, its
/// ledger, statement and orders are seen by those who see the member's company; others get 404.
/// </summary>
public sealed class LoyaltyAccess(CrmDbContext db, CounterpartyAccess recordAccess)
{
    public bool Can(CurrentUser user, AccessRights right) => recordAccess.Can(user, AccessObjects.Loyalty, right);

    /// <summary>Refuses (403) without the right on loyalty programmes.</summary>
    public void Require(CurrentUser user, AccessRights right) => recordAccess.Require(user, AccessObjects.Loyalty, right);

    public IQueryable<Guid> VisibleCompanies(CurrentUser user) => recordAccess.Visible(db.Counterparties, user).Select(c => c.Id);

    public IQueryable<LoyaltyMember> VisibleMembers(CurrentUser user)
    {
        if (!Can(user, AccessRights.Read))
        {
            return db.LoyaltyMembers.Where(m => false);
        }

        var companies = VisibleCompanies(user);
        return db.LoyaltyMembers.Where(m => companies.Contains(m.CounterpartyId));
    }

    /// <summary>The member (tracked) when the caller may read loyalty and see its company (else 404), holding <paramref name="right"/> too (else 403).</summary>
    public async Task<LoyaltyMember> MemberAsync(Guid memberId, CurrentUser user, AccessRights right, CancellationToken cancellationToken)
    {
        Require(user, AccessRights.Read);
        var member = await VisibleMembers(user).SingleOrDefaultAsync(m => m.Id == memberId, cancellationToken)
            ?? throw new NotFoundException($"Loyalty member {memberId} does not exist.");
        Require(user, right);
        return member;
    }

    /// <summary>The counterparty when the caller sees it (else 404).</summary>
    public async Task RequireVisibleCompanyAsync(Guid counterpartyId, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await VisibleCompanies(user).AnyAsync(id => id == counterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {counterpartyId} does not exist.");
        }
    }
}
