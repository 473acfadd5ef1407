using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>One booked ledger row and the balance of its point type after it (the current balance when <see cref="Repeated"/>).</summary>
[ModuleContract]
public sealed record LoyaltyBooking(Guid OperationId, Guid ProgrammeId, Guid MemberId, string Kind, string PointType, int Points, int Balance, string SourceKey, bool Repeated);

public sealed record GrantPointsRequest(string? PointType, int? Points, string? Reason, string? RequestKey);

/// <summary>
/// The points ledger: every change of a balance is one append-only row with a unique source key, booked in the same
/// commit as the balance row it changes (whose revision is its concurrency token, so no two bookings win on the same
/// stale balance and no balance goes below zero). Runs inside <see cref="ProcessEngine"/>: called from a process step it
/// joins that step's commit, otherwise it commits by itself and is retried on a conflict. The same source key never
/// books twice: a repeat returns the first booking.
/// </summary>
[ModuleContract]
public sealed class LoyaltyLedger(CrmDbContext db, LoyaltyAccess access, ProcessEngine engine, TimeProvider clock)
{
    public const int MaxPoints = 10_000_000;

    /// <summary>Earns <paramref name="points"/> (&gt; 0) for the counterparty's membership in the programme; idempotent by <paramref name="sourceKey"/>.</summary>
    public Task<LoyaltyBooking> AwardAsync(Guid programmeId, Guid counterpartyId, string pointType, int points, string reason, string sourceKey, string user,
        CancellationToken cancellationToken)
    {
        CheckKey(sourceKey);
        if (points is <= 0 or > MaxPoints) throw ValidationFailedException.For("points", $"Award 1 to {MaxPoints} points.");
        return engine.ExecuteAsync(async _ =>
        {
            if (await EarlierAsync(sourceKey, cancellationToken) is { } earlier) return earlier;
            var member = await db.LoyaltyMembers.AsNoTracking().SingleOrDefaultAsync(m => m.ProgrammeId == programmeId && m.CounterpartyId == counterpartyId, cancellationToken);
            if (member is not { Active: true }) throw ValidationFailedException.For("counterpartyId", "The counterparty is not an active member of the programme.");
            return await BookAsync(member, LoyaltyKinds.Earn, pointType.Trim().ToLowerInvariant(), points, reason, sourceKey, user, null, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Applies the active rules for <paramref name="trigger"/> (order-value with the order's <paramref name="amount"/>, campaign-response) of every
    /// programme the counterparty is an active member of (or only <paramref name="programmeId"/>); one booking per rule, keyed
    /// <c>{sourceKey}:{rule}</c>. A counterparty in no programme gets nothing.
    /// </summary>
    public Task<IReadOnlyList<LoyaltyBooking>> ApplyRuleAsync(string trigger, Guid counterpartyId, decimal? amount, string sourceKey, string user,
        CancellationToken cancellationToken, Guid? programmeId = null)
    {
        CheckKey(sourceKey);
        if (!LoyaltyTriggers.All.Contains(trigger)) throw ValidationFailedException.For("trigger", $"Choose one of: {string.Join(", ", LoyaltyTriggers.All)}.");
        if (trigger == LoyaltyTriggers.OrderValue && amount is not >= 0) throw ValidationFailedException.For("amount", "Give the order value (0 or more).");
        return engine.ExecuteAsync<IReadOnlyList<LoyaltyBooking>>(async _ =>
        {
            var members = await db.LoyaltyMembers.AsNoTracking()
                .Where(m => m.CounterpartyId == counterpartyId && m.Active && (programmeId == null || m.ProgrammeId == programmeId)
                    && db.LoyaltyProgrammes.Any(p => p.Id == m.ProgrammeId && p.Active))
                .ToListAsync(cancellationToken);
            var ids = members.Select(m => m.ProgrammeId).ToList();
            var rules = await db.LoyaltyRules.AsNoTracking().Where(r => ids.Contains(r.ProgrammeId) && r.Trigger == trigger && r.Active).OrderBy(r => r.Id).ToListAsync(cancellationToken);
            var bookings = new List<LoyaltyBooking>();
            foreach (var rule in rules)
            {
                var points = PointsOf(rule, amount);
                if (points <= 0) continue;
                var key = $"{sourceKey}:{rule.Id:N}";
                bookings.Add(await EarlierAsync(key, cancellationToken)
                    ?? await BookAsync(members.Single(m => m.ProgrammeId == rule.ProgrammeId), LoyaltyKinds.Earn, rule.PointType, points, rule.Name, key, user, null, cancellationToken));
            }

            return bookings;
        }, cancellationToken);
    }

    /// <summary>A programme by its id or code (what a process model names), or 404.</summary>
    public async Task<Guid> ProgrammeIdAsync(string idOrCode, CancellationToken cancellationToken)
    {
        var code = idOrCode.Trim().ToUpperInvariant();
        var id = Guid.TryParse(idOrCode, out var given) ? given : Guid.Empty;
        return await db.LoyaltyProgrammes.AsNoTracking().Where(p => p.Id == id || p.Code == code).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"There is no loyalty programme '{idOrCode}'.");
    }

    /// <summary>Points a rule gives: per order value, <c>Points</c> for every full <c>PerAmount</c>; otherwise the fixed <c>Points</c>.</summary>
    public static int PointsOf(LoyaltyRule rule, decimal? amount) => rule.Trigger == LoyaltyTriggers.OrderValue
        ? rule.PerAmount is > 0 && amount is > 0 ? (int)Math.Min(MaxPoints, decimal.Floor(amount.Value / rule.PerAmount.Value) * rule.Points) : 0
        : rule.Points;

    /// <summary>A manual grant (earn) by a user with the edit right who sees the member's company.</summary>
    public Task<LoyaltyBooking> GrantAsync(Guid memberId, GrantPointsRequest request, CurrentUser user, CancellationToken cancellationToken) =>
        ManualAsync(memberId, request, LoyaltyKinds.Earn, user, cancellationToken);

    /// <summary>A correction (signed points, a reason required); never below zero.</summary>
    public Task<LoyaltyBooking> CorrectAsync(Guid memberId, GrantPointsRequest request, CurrentUser user, CancellationToken cancellationToken) =>
        ManualAsync(memberId, request, LoyaltyKinds.Correct, user, cancellationToken);

    private Task<LoyaltyBooking> ManualAsync(Guid memberId, GrantPointsRequest request, string kind, CurrentUser user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.PointType)) errors["pointType"] = ["Choose the point type."];
        if (request.Points is not { } points || points == 0 || Math.Abs(points) > MaxPoints || (kind == LoyaltyKinds.Earn && points < 0))
            errors["points"] = [kind == LoyaltyKinds.Earn ? $"Grant 1 to {MaxPoints} points." : "Give the points to add (positive) or take away (negative)."];
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500) errors["reason"] = ["Give a reason (at most 500 characters)."];
        if (request.RequestKey is { Length: > 100 }) errors["requestKey"] = ["At most 100 characters."];
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        var key = $"{kind}:{memberId:N}:{request.RequestKey ?? Guid.CreateVersion7().ToString("N")}";
        return engine.ExecuteAsync(async _ =>
        {
            var member = await access.MemberAsync(memberId, user, AccessRights.Edit, cancellationToken);
            return await EarlierAsync(key, cancellationToken)
                ?? await BookAsync(member, kind, request.PointType!.Trim().ToLowerInvariant(), request.Points!.Value, request.Reason!.Trim(), key, user.UserName, null, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The booking an earlier call with this source key made, if any.</summary>
    internal async Task<LoyaltyBooking?> EarlierAsync(string sourceKey, CancellationToken cancellationToken)
    {
        var earlier = db.LoyaltyOperations.Local.FirstOrDefault(o => o.SourceKey == sourceKey)
            ?? await db.LoyaltyOperations.AsNoTracking().FirstOrDefaultAsync(o => o.SourceKey == sourceKey, cancellationToken);
        if (earlier is null) return null;
        var balance = await db.LoyaltyBalances.AsNoTracking().Where(b => b.MemberId == earlier.MemberId && b.PointType == earlier.PointType).Select(b => b.Points).FirstOrDefaultAsync(cancellationToken);
        return new LoyaltyBooking(earlier.Id, earlier.ProgrammeId, earlier.MemberId, earlier.Kind, earlier.PointType, earlier.Points, balance, earlier.SourceKey, true);
    }

    /// <summary>The tracked balance row of a point type (a new one at 0 if the member has none yet), after checking the type exists.</summary>
    internal async Task<LoyaltyBalance> BalanceAsync(LoyaltyMember member, string pointType, CancellationToken cancellationToken)
    {
        if (!await db.LoyaltyPointTypes.AnyAsync(t => t.ProgrammeId == member.ProgrammeId && t.Code == pointType, cancellationToken))
        {
            throw ValidationFailedException.For("pointType", $"The programme has no point type '{pointType}'.");
        }

        return await db.LoyaltyBalances.SingleOrDefaultAsync(b => b.MemberId == member.Id && b.PointType == pointType, cancellationToken)
            ?? new LoyaltyBalance { MemberId = member.Id, PointType = pointType };
    }

    /// <summary>Checks, then books one row and moves the balance (saved by the surrounding unit). Never below zero.</summary>
    internal async Task<LoyaltyBooking> BookAsync(LoyaltyMember member, string kind, string pointType, int points, string reason, string sourceKey, string by, Guid? orderId,
        CancellationToken cancellationToken)
    {
        var balance = await BalanceAsync(member, pointType, cancellationToken);
        if (balance.Points + points < 0)
        {
            throw new ConflictException($"Not enough points: {balance.Points} {pointType} available, {-points} needed.");
        }

        if (db.Entry(balance).State == EntityState.Detached)
        {
            db.LoyaltyBalances.Add(balance);   // a twin insert loses on the key and is retried like a conflict
        }

        balance.Points += points;
        balance.Revision++;
        var operation = new LoyaltyOperation
        {
            ProgrammeId = member.ProgrammeId, MemberId = member.Id, Kind = kind, PointType = pointType, Points = points, Reason = reason.Length > 500 ? reason[..500] : reason,
            SourceKey = sourceKey, RewardOrderId = orderId, By = by, At = clock.GetUtcNow(),
        };
        db.LoyaltyOperations.Add(operation);
        return new LoyaltyBooking(operation.Id, operation.ProgrammeId, member.Id, kind, pointType, points, balance.Points, sourceKey, false);
    }

    private static void CheckKey(string sourceKey)
    {
        if (string.IsNullOrWhiteSpace(sourceKey) || sourceKey.Length > 150) throw ValidationFailedException.For("sourceKey", "Give a source key of at most 150 characters.");
    }
}
