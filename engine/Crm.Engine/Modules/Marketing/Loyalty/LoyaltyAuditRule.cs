using Crm.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>
/// Loyalty in the audit trail: programmes, members, every ledger row, rewards and reward orders. The ledger is
/// append-only: a save that would change or delete a ledger row fails here, before anything is written.
/// </summary>
internal sealed class LoyaltyAuditRule : IAuditRule
{
    public AuditEntry? Derive(EntityEntry entry, DateTimeOffset now) => entry.Entity switch
    {
        LoyaltyOperation o when entry.State is EntityState.Modified or EntityState.Deleted =>
            throw new InvalidOperationException($"Loyalty ledger rows are append-only: row {o.Id} cannot be changed or deleted."),
        LoyaltyOperation o when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or(o.By), "loyalty.points-" + o.Kind, "loyalty-member", o.MemberId.ToString(), now, null, new { o.PointType, o.Points, o.Reason, o.SourceKey }),
        LoyaltyProgramme p when entry.State is EntityState.Added or EntityState.Modified && Changed(entry) =>
            Audited.Row(AuditActor.Or(p.CreatedBy), entry.State == EntityState.Added ? "loyalty.programme-created" : "loyalty.programme-changed", "loyalty-programme",
                p.Id.ToString(), now, null, new { p.Code, p.Name, p.Active }),
        LoyaltyMember m when entry.State == EntityState.Added =>
            Audited.Row(AuditActor.Or(m.JoinedBy), "loyalty.member-enrolled", "loyalty-member", m.Id.ToString(), now, null, new { m.ProgrammeId, m.CounterpartyId, m.Number }),
        LoyaltyReward r when entry.State == EntityState.Added || (entry.State == EntityState.Modified && !OnlyStock(entry)) =>
            Audited.Row(AuditActor.Or("system"), entry.State == EntityState.Added ? "loyalty.reward-added" : "loyalty.reward-changed", "loyalty-programme",
                r.ProgrammeId.ToString(), now, null, new { r.Id, r.Name, r.Price, r.Stock, r.Active }),
        LoyaltyRewardOrder o when entry.State is EntityState.Added or EntityState.Modified =>
            Audited.Row(AuditActor.Or(o.ClosedBy ?? o.OrderedBy), "loyalty.order-" + o.Status, "loyalty-member", o.MemberId.ToString(), now, null,
                new { o.Id, o.RewardId, o.Quantity, o.Points }),
        _ => null,
    };

    /// <summary>A member number given by enrolment raises only the programme's counter: not a change of the programme.</summary>
    private static bool Changed(EntityEntry entry) => entry.State == EntityState.Added
        || entry.Properties.Any(p => p.IsModified && p.Metadata.Name is not (nameof(LoyaltyProgramme.LastMemberNumber) or nameof(LoyaltyProgramme.Revision)));

    /// <summary>Orders move the stock; the order row is audited, not the stock.</summary>
    private static bool OnlyStock(EntityEntry entry) =>
        entry.Properties.Where(p => p.IsModified).All(p => p.Metadata.Name is nameof(LoyaltyReward.Stock) or nameof(LoyaltyReward.Revision));
}
