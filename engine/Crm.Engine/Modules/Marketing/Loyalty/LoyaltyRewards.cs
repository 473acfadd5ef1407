using Crm.Platform.Access;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Crm.Workflow.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Loyalty;

public sealed record RewardRequest(string? Name, string? Description, string? PointType, int? Price, int? Stock);

public sealed record UpdateRewardRequest(string? Name, string? Description, int? Price, int? AddStock, bool? Active);

public sealed record RewardView(Guid Id, string Name, string? Description, string PointType, int Price, int Stock, bool Active, int Revision);

public sealed record OrderRewardRequest(Guid RewardId, int? Quantity);

public sealed record RewardOrderView(Guid Id, Guid RewardId, string Reward, int Quantity, int Points, string PointType, string Status, string OrderedBy, DateTimeOffset OrderedAt,
    string? ClosedBy, DateTimeOffset? ClosedAt);

/// <summary>
/// The rewards catalogue and reward orders. An order takes the stock and the points in one commit; the reward's and the
/// balance's revisions are concurrency tokens, so of two orders racing for the last item or the last points one wins
/// and the other is re-run on fresh rows (and then refused with a clear message): never oversold, never below zero.
/// </summary>
public sealed class LoyaltyRewards(CrmDbContext db, LoyaltyAccess access, LoyaltyLedger ledger, LoyaltyProgrammes programmes, ProcessEngine engine, TimeProvider clock)
{
    public const string Placed = "placed";
    public const string Issued = "issued";
    public const string Cancelled = "cancelled";

    public async Task<Guid> AddAsync(Guid programmeId, RewardRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        await programmes.EditableAsync(programmeId, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var pointType = request.PointType?.Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) errors["name"] = ["Give the reward a name of at most 200 characters."];
        if (request.Description is { Length: > 2000 }) errors["description"] = ["At most 2000 characters."];
        if (pointType is null || !await db.LoyaltyPointTypes.AnyAsync(t => t.ProgrammeId == programmeId && t.Code == pointType, cancellationToken))
            errors["pointType"] = ["Choose a point type of the programme."];
        if (request.Price is not (> 0 and <= LoyaltyLedger.MaxPoints)) errors["price"] = ["A price of 1 point or more."];
        if (request.Stock is not (>= 0 and <= 1_000_000)) errors["stock"] = ["Stock is 0 to 1 000 000."];
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        var reward = new LoyaltyReward
        {
            ProgrammeId = programmeId, Name = request.Name!.Trim(), Description = LoyaltyProgrammes.Trimmed(request.Description), PointType = pointType!,
            Price = request.Price!.Value, Stock = request.Stock!.Value,
        };
        db.LoyaltyRewards.Add(reward);
        await db.SaveChangesAsync(cancellationToken);
        return reward.Id;
    }

    /// <summary>Name, price, active, and stock added (or taken, negative) on top of what is left: re-applied on a race with orders.</summary>
    public async Task UpdateAsync(Guid programmeId, Guid rewardId, UpdateRewardRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        await programmes.EditableAsync(programmeId, user, cancellationToken);
        if (request.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200)) throw ValidationFailedException.For("name", "Give a name of at most 200 characters.");
        if (request.Price is not (null or (> 0 and <= LoyaltyLedger.MaxPoints))) throw ValidationFailedException.For("price", "A price of 1 point or more.");
        if (request.AddStock is not (null or (>= -1_000_000 and <= 1_000_000))) throw ValidationFailedException.For("addStock", "Add at most 1 000 000.");
        await engine.ExecuteAsync(async _ =>
        {
            var reward = await db.LoyaltyRewards.SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgrammeId == programmeId, cancellationToken)
                ?? throw new NotFoundException($"Reward {rewardId} does not exist.");
            if (reward.Stock + (request.AddStock ?? 0) < 0) throw ValidationFailedException.For("addStock", $"Only {reward.Stock} left: cannot take more.");
            reward.Name = request.Name?.Trim() ?? reward.Name;
            reward.Description = request.Description is null ? reward.Description : LoyaltyProgrammes.Trimmed(request.Description);
            reward.Price = request.Price ?? reward.Price;
            reward.Active = request.Active ?? reward.Active;
            reward.Stock += request.AddStock ?? 0;
            reward.Revision++;
        }, cancellationToken);
    }

    /// <summary>Orders a reward for a member: refused (409) when the member has too few points or the reward too little stock.</summary>
    public async Task<Guid> OrderAsync(Guid memberId, OrderRewardRequest request, CurrentUser user, CancellationToken cancellationToken)
    {
        var quantity = request.Quantity ?? 1;
        if (quantity is < 1 or > 100) throw ValidationFailedException.For("quantity", "Order 1 to 100 pieces.");
        return await engine.ExecuteAsync(async _ =>
        {
            var member = await access.MemberAsync(memberId, user, AccessRights.Create, cancellationToken);
            if (!member.Active) throw new ConflictException("The membership is closed: it cannot order rewards.");
            var reward = await db.LoyaltyRewards.SingleOrDefaultAsync(r => r.Id == request.RewardId && r.ProgrammeId == member.ProgrammeId, cancellationToken)
                ?? throw new NotFoundException($"Reward {request.RewardId} does not exist.");
            if (!reward.Active) throw new ConflictException($"The reward {reward.Name} is no longer offered.");
            if (reward.Stock < quantity) throw new ConflictException(reward.Stock == 0 ? $"Out of stock: {reward.Name}." : $"Only {reward.Stock} of {reward.Name} left.");
            var order = new LoyaltyRewardOrder
            {
                ProgrammeId = member.ProgrammeId, MemberId = member.Id, RewardId = reward.Id, Quantity = quantity, Points = reward.Price * quantity, PointType = reward.PointType,
                Status = Placed, OrderedBy = user.UserName, OrderedAt = clock.GetUtcNow(),
            };
            // The ledger checks the points before anything is changed: a refusal leaves nothing behind.
            await ledger.BookAsync(member, LoyaltyKinds.Spend, reward.PointType, -order.Points, $"Reward: {quantity} × {reward.Name}", $"reward-order:{order.Id:N}", user.UserName, order.Id, cancellationToken);
            reward.Stock -= quantity;
            reward.Revision++;
            db.LoyaltyRewardOrders.Add(order);
            return order.Id;
        }, cancellationToken);
    }

    /// <summary>Cancels a placed order: the points come back (a correction row) and so does the stock.</summary>
    public Task CancelAsync(Guid orderId, CurrentUser user, CancellationToken cancellationToken) => CloseAsync(orderId, Cancelled, user, cancellationToken);

    /// <summary>The reward was handed over.</summary>
    public Task IssueAsync(Guid orderId, CurrentUser user, CancellationToken cancellationToken) => CloseAsync(orderId, Issued, user, cancellationToken);

    private Task CloseAsync(Guid orderId, string status, CurrentUser user, CancellationToken cancellationToken) => engine.ExecuteAsync(async _ =>
    {
        var memberId = await db.LoyaltyRewardOrders.Where(o => o.Id == orderId).Select(o => (Guid?)o.MemberId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Reward order {orderId} does not exist.");
        var member = await access.MemberAsync(memberId, user, AccessRights.Edit, cancellationToken);
        var order = await db.LoyaltyRewardOrders.SingleAsync(o => o.Id == orderId, cancellationToken);
        if (order.Status != Placed) throw new ConflictException($"The order is {order.Status} already.");
        if (status == Cancelled)
        {
            var reward = await db.LoyaltyRewards.SingleAsync(r => r.Id == order.RewardId, cancellationToken);
            await ledger.BookAsync(member, LoyaltyKinds.Correct, order.PointType, order.Points, $"Order cancelled: {order.Quantity} × {reward.Name}", $"reward-order-cancel:{order.Id:N}",
                user.UserName, order.Id, cancellationToken);
            reward.Stock += order.Quantity;
            reward.Revision++;
        }

        order.Status = status;
        order.ClosedBy = user.UserName;
        order.ClosedAt = clock.GetUtcNow();
        order.Revision++;
    }, cancellationToken);

    public async Task<IReadOnlyList<RewardOrderView>> OrdersAsync(Guid memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        await access.MemberAsync(memberId, user, AccessRights.Read, cancellationToken);
        return await db.LoyaltyRewardOrders.AsNoTracking().Where(o => o.MemberId == memberId).OrderByDescending(o => o.OrderedAt)
            .Select(o => new RewardOrderView(o.Id, o.RewardId, db.LoyaltyRewards.Where(r => r.Id == o.RewardId).Select(r => r.Name).FirstOrDefault() ?? "", o.Quantity, o.Points, o.PointType, o.Status,
                o.OrderedBy, o.OrderedAt, o.ClosedBy, o.ClosedAt))
            .ToListAsync(cancellationToken);
    }
}
