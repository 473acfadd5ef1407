using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Marketing.Loyalty;

public sealed record RuleActiveRequest(bool Active);

public sealed record ApplyRuleRequest(string? Trigger, Guid CounterpartyId, decimal? Amount, string? SourceKey, Guid? ProgrammeId);

/// <summary>HTTP API of loyalty programmes: /api/loyalty/programmes, /members, /orders, /counterparties/{id}/memberships, /rules/apply, /expiry/run.</summary>
public static class LoyaltyApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapLoyaltyApi(this IEndpointRouteBuilder app)
    {
        var loyalty = app.MapGroup("/api/loyalty").WithTags("Loyalty");
        loyalty.MapGet("/programmes", ListProgrammes).WithName("ListLoyaltyProgrammes");
        loyalty.MapPost("/programmes", CreateProgramme).WithName("CreateLoyaltyProgramme").WithSummary("Code, name, description, point types (code, name, expiryMonths).");
        loyalty.MapGet("/programmes/{id:guid}", GetProgramme).WithName("GetLoyaltyProgramme");
        loyalty.MapPut("/programmes/{id:guid}", UpdateProgramme).WithName("UpdateLoyaltyProgramme").WithSummary("Name, description, active; the revision must match (409).");
        loyalty.MapPut("/programmes/{id:guid}/point-types", SavePointType).WithName("SaveLoyaltyPointType").WithSummary("Adds a point type or changes its name and expiry.");
        loyalty.MapPost("/programmes/{id:guid}/rules", AddRule).WithName("AddLoyaltyRule").WithSummary("order-value (points per perAmount PLN) or campaign-response (fixed).");
        loyalty.MapPut("/programmes/{id:guid}/rules/{ruleId:guid}/active", SetRuleActive).WithName("SetLoyaltyRuleActive");
        loyalty.MapPost("/programmes/{id:guid}/rewards", AddReward).WithName("AddLoyaltyReward");
        loyalty.MapPut("/programmes/{id:guid}/rewards/{rewardId:guid}", UpdateReward).WithName("UpdateLoyaltyReward").WithSummary("Name, price, active; addStock adds to what is left.");
        loyalty.MapGet("/programmes/{id:guid}/members", ListMembers).WithName("ListLoyaltyMembers").WithSummary("Members whose company the caller sees; search by number or name.");
        loyalty.MapPost("/programmes/{id:guid}/members", Enrol).WithName("EnrolLoyaltyMember");
        loyalty.MapGet("/programmes/{id:guid}/members/export", ExportMembers).WithName("ExportLoyaltyMembers");
        loyalty.MapGet("/members/{memberId:guid}", GetMember).WithName("GetLoyaltyMember").WithSummary("Balances per point type and the rewards on offer (404 when the company is not visible).");
        loyalty.MapGet("/members/{memberId:guid}/statement", Statement).WithName("LoyaltyStatement").WithSummary("Ledger rows with the running balance; from..to days inclusive.");
        loyalty.MapGet("/members/{memberId:guid}/statement/export", ExportStatement).WithName("ExportLoyaltyStatement");
        loyalty.MapPost("/members/{memberId:guid}/grants", Grant).WithName("GrantLoyaltyPoints").WithSummary("Manual grant; requestKey makes a retry book once.");
        loyalty.MapPost("/members/{memberId:guid}/corrections", Correct).WithName("CorrectLoyaltyPoints").WithSummary("Signed points with a reason; never below zero (409).");
        loyalty.MapGet("/members/{memberId:guid}/orders", Orders).WithName("ListLoyaltyRewardOrders");
        loyalty.MapPost("/members/{memberId:guid}/orders", Order).WithName("OrderLoyaltyReward").WithSummary("409 with the reason when points or stock do not suffice.");
        loyalty.MapPost("/orders/{orderId:guid}/cancel", Cancel).WithName("CancelLoyaltyRewardOrder").WithSummary("Returns the points and the stock.");
        loyalty.MapPost("/orders/{orderId:guid}/issue", Issue).WithName("IssueLoyaltyRewardOrder");
        loyalty.MapGet("/counterparties/{counterpartyId:guid}/memberships", Memberships).WithName("LoyaltyMembershipsOfCounterparty");
        loyalty.MapPost("/rules/apply", ApplyRule).WithName("ApplyLoyaltyRule").WithSummary("Integration: an order value or campaign response earns points by the rules; idempotent by sourceKey.");
        loyalty.MapPost("/expiry/run", RunExpiry).WithName("RunLoyaltyExpiry").WithSummary("Process owners: books the expire rows due now.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ProgrammeSummary>>> ListProgrammes(CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct) =>
        TypedResults.Ok(await programmes.ListAsync(user, ct));

    private static async Task<Created<IdResult>> CreateProgramme(CreateProgrammeRequest request, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct)
    {
        var id = await programmes.CreateAsync(request, user, ct);
        return TypedResults.Created($"/api/loyalty/programmes/{id}", new IdResult(id));
    }

    private static async Task<Ok<ProgrammeView>> GetProgramme(Guid id, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct) =>
        TypedResults.Ok(await programmes.GetAsync(id, user, ct));

    private static async Task<NoContent> UpdateProgramme(Guid id, UpdateProgrammeRequest request, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct)
    {
        await programmes.UpdateAsync(id, request, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SavePointType(Guid id, PointTypeRequest request, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct)
    {
        await programmes.SavePointTypeAsync(id, request, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<IdResult>> AddRule(Guid id, RuleRequest request, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct) =>
        TypedResults.Created($"/api/loyalty/programmes/{id}", new IdResult(await programmes.AddRuleAsync(id, request, user, ct)));

    private static async Task<NoContent> SetRuleActive(Guid id, Guid ruleId, RuleActiveRequest request, CurrentUser user, LoyaltyProgrammes programmes, CancellationToken ct)
    {
        await programmes.SetRuleActiveAsync(id, ruleId, request.Active, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<IdResult>> AddReward(Guid id, RewardRequest request, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct) =>
        TypedResults.Created($"/api/loyalty/programmes/{id}", new IdResult(await rewards.AddAsync(id, request, user, ct)));

    private static async Task<NoContent> UpdateReward(Guid id, Guid rewardId, UpdateRewardRequest request, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct)
    {
        await rewards.UpdateAsync(id, rewardId, request, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<MemberSummary>>> ListMembers(Guid id, string? search, CurrentUser user, LoyaltyMembers members, CancellationToken ct) =>
        TypedResults.Ok(await members.ListAsync(id, search, user, ct));

    private static async Task<Created<IdResult>> Enrol(Guid id, EnrolMemberRequest request, CurrentUser user, LoyaltyMembers members, CancellationToken ct)
    {
        var memberId = await members.EnrolAsync(id, request, user, ct);
        return TypedResults.Created($"/api/loyalty/members/{memberId}", new IdResult(memberId));
    }

    private static async Task<FileContentHttpResult> ExportMembers(Guid id, CurrentUser user, LoyaltyMembers members, CancellationToken ct) =>
        TypedResults.File(await members.ExportAsync(id, user, ct), Xlsx, "loyalty-members.xlsx");

    private static async Task<Ok<MemberView>> GetMember(Guid memberId, CurrentUser user, LoyaltyMembers members, CancellationToken ct) =>
        TypedResults.Ok(await members.GetAsync(memberId, user, ct));

    private static async Task<Ok<LoyaltyStatement>> Statement(Guid memberId, DateOnly? from, DateOnly? to, CurrentUser user, LoyaltyStatements statements, CancellationToken ct) =>
        TypedResults.Ok(await statements.GetAsync(memberId, from, to, user, ct));

    private static async Task<FileContentHttpResult> ExportStatement(Guid memberId, DateOnly? from, DateOnly? to, CurrentUser user, LoyaltyStatements statements, CancellationToken ct) =>
        TypedResults.File(await statements.ExportAsync(memberId, from, to, user, ct), Xlsx, "loyalty-statement.xlsx");

    private static async Task<Ok<LoyaltyBooking>> Grant(Guid memberId, GrantPointsRequest request, CurrentUser user, LoyaltyLedger ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.GrantAsync(memberId, request, user, ct));

    private static async Task<Ok<LoyaltyBooking>> Correct(Guid memberId, GrantPointsRequest request, CurrentUser user, LoyaltyLedger ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.CorrectAsync(memberId, request, user, ct));

    private static async Task<Ok<IReadOnlyList<RewardOrderView>>> Orders(Guid memberId, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct) =>
        TypedResults.Ok(await rewards.OrdersAsync(memberId, user, ct));

    private static async Task<Created<IdResult>> Order(Guid memberId, OrderRewardRequest request, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct)
    {
        var id = await rewards.OrderAsync(memberId, request, user, ct);
        return TypedResults.Created($"/api/loyalty/members/{memberId}/orders", new IdResult(id));
    }

    private static async Task<NoContent> Cancel(Guid orderId, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct)
    {
        await rewards.CancelAsync(orderId, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Issue(Guid orderId, CurrentUser user, LoyaltyRewards rewards, CancellationToken ct)
    {
        await rewards.IssueAsync(orderId, user, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<MemberSummary>>> Memberships(Guid counterpartyId, CurrentUser user, LoyaltyMembers members, CancellationToken ct) =>
        TypedResults.Ok(await members.OfCompanyAsync(counterpartyId, user, ct));

    private static async Task<Ok<IReadOnlyList<LoyaltyBooking>>> ApplyRule(ApplyRuleRequest request, CurrentUser user, LoyaltyAccess access, LoyaltyLedger ledger, CancellationToken ct)
    {
        access.Require(user, Crm.Platform.Access.AccessRights.Read);
        await access.RequireVisibleCompanyAsync(request.CounterpartyId, user, ct);
        access.Require(user, Crm.Platform.Access.AccessRights.Edit);
        return TypedResults.Ok(await ledger.ApplyRuleAsync(request.Trigger ?? "", request.CounterpartyId, request.Amount, request.SourceKey ?? "", user.UserName, ct, request.ProgrammeId));
    }

    private static async Task<Ok<IdCount>> RunExpiry(CurrentUser user, LoyaltyAccess access, LoyaltyExpiry expiry, CancellationToken ct)
    {
        access.Require(user, Crm.Platform.Access.AccessRights.Edit);
        if (!user.IsProcessOwner) throw new ForbiddenException("Only process owners and admins run the expiry pass by hand.");
        return TypedResults.Ok(new IdCount(await expiry.RunAsync(ct)));
    }
}

public sealed record IdResult(Guid Id);

public sealed record IdCount(int Booked);
