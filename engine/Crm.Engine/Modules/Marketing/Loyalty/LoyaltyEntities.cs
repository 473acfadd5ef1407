using Crm.Platform.Common;

namespace Crm.Modules.Marketing.Loyalty;

/// <summary>The kinds of ledger rows; a row is never changed or deleted once booked.</summary>
public static class LoyaltyKinds
{
    public const string Earn = "earn";
    public const string Spend = "spend";
    public const string Expire = "expire";
    public const string Correct = "correct";

    public static readonly IReadOnlyList<string> All = [Earn, Spend, Expire, Correct];
}

/// <summary>What a rule reacts to.</summary>
public static class LoyaltyTriggers
{
    /// <summary>Points per order value: <c>Points</c> for every full <c>PerAmount</c> (e.g. 1 point per 10 PLN).</summary>
    public const string OrderValue = "order-value";
    /// <summary>A campaign member responded: a fixed number of points.</summary>
    public const string CampaignResponse = "campaign-response";

    public static readonly IReadOnlyList<string> All = [OrderValue, CampaignResponse];
}

/// <summary>A loyalty programme (program lojalnościowy): its point types, rules, members and rewards catalogue.</summary>
[ModuleContract]
public sealed class LoyaltyProgramme
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Short unique code, the prefix of member numbers, e.g. PREMIUM → PREMIUM-000042.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>The last member number given (raised in the enrolling commit, its own concurrency token).</summary>
    public int LastMemberNumber { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Revision { get; set; }
}

/// <summary>A kind of points in a programme ("base points", "bonus"), with an optional expiry period.</summary>
public sealed class LoyaltyPointType
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    /// <summary>Lower-case code, unique in the programme, e.g. base, bonus.</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>Points of this type expire this many months after they were earned (FIFO); null: never.</summary>
    public int? ExpiryMonths { get; set; }
}

/// <summary>How points are earned automatically: per order value or per campaign response.</summary>
public sealed class LoyaltyRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    public required string Name { get; set; }
    public required string Trigger { get; set; }
    public required string PointType { get; set; }
    public int Points { get; set; }
    /// <summary>For order value: the amount (PLN) that earns <see cref="Points"/>; null for fixed rules.</summary>
    public decimal? PerAmount { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>A counterparty enrolled in a programme (its point account), optionally with the contact person at it.</summary>
[ModuleContract]
public sealed class LoyaltyMember
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    public Guid CounterpartyId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>Unique in the programme, e.g. PREMIUM-000042.</summary>
    public required string Number { get; set; }
    public bool Active { get; set; } = true;
    public required string JoinedBy { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>The points a member holds of one type: changed only together with the ledger row that explains it.</summary>
public sealed class LoyaltyBalance
{
    public Guid MemberId { get; set; }
    public required string PointType { get; set; }
    public int Points { get; set; }
    /// <summary>Concurrency token: two bookings on one account cannot both win on stale points.</summary>
    public int Revision { get; set; }
}

/// <summary>One row of the append-only ledger: earn, spend, expire or correct, with signed points.</summary>
public sealed class LoyaltyOperation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    public Guid MemberId { get; set; }
    public required string Kind { get; set; }
    public required string PointType { get; set; }
    /// <summary>Positive adds, negative takes away.</summary>
    public int Points { get; set; }
    public required string Reason { get; set; }
    /// <summary>Idempotency: what caused the booking (order, campaign response, process step, reward order); unique.</summary>
    public required string SourceKey { get; set; }
    public Guid? RewardOrderId { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A reward in a programme's catalogue, with its price in points and the stock left.</summary>
public sealed class LoyaltyReward
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string PointType { get; set; }
    public int Price { get; set; }
    public int Stock { get; set; }
    public bool Active { get; set; } = true;
    public int Revision { get; set; }
}

/// <summary>A reward order: placed (points and stock taken), issued (handed over) or cancelled (both given back).</summary>
public sealed class LoyaltyRewardOrder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgrammeId { get; set; }
    public Guid MemberId { get; set; }
    public Guid RewardId { get; set; }
    public int Quantity { get; set; } = 1;
    public int Points { get; set; }
    public required string PointType { get; set; }
    /// <summary>placed, issued, cancelled.</summary>
    public required string Status { get; set; }
    public required string OrderedBy { get; set; }
    public DateTimeOffset OrderedAt { get; set; }
    public string? ClosedBy { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Revision { get; set; }
}
