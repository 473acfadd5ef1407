using Crm.Modules.Counterparties.Fields;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

/// <summary>HTTP API of company trees, partners and counterparty groups.</summary>
public static class CounterpartyRelationApi
{
    public static IEndpointRouteBuilder MapCounterpartyRelationApi(this IEndpointRouteBuilder app)
    {
        var counterparties = app.MapGroup("/api/counterparties").WithTags("CRM");
        counterparties.MapGet("/{id:guid}/relations", async (Guid id, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
            TypedResults.Ok(await relations.TreeAsync(id, user, ct))).WithName("CounterpartyRelations")
            .WithSummary("The company tree (from the top-most parent down; companies you may not see have no name) and partners.");
        counterparties.MapPost("/{id:guid}/relations", async (Guid id, RelationRequest body, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.AddAsync(id, body.ChildId, body.Kind, user, ct);
            return TypedResults.NoContent();
        }).WithName("AddCounterpartyRelation").WithSummary("{childId, kind: branch|subsidiary|partner}: this counterparty is the head office/parent; loops are refused.");
        counterparties.MapDelete("/{id:guid}/relations/{childId:guid}", async (Guid id, Guid childId, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.RemoveAsync(id, childId, user, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveCounterpartyRelation");
        counterparties.MapGet("/{id:guid}/groups", async (Guid id, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
            TypedResults.Ok(await relations.GroupsOfAsync(id, user, ct))).WithName("CounterpartyGroups");
        counterparties.MapPut("/{id:guid}/groups/{name}", async (Guid id, string name, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.SetMembershipAsync(id, name, true, user, ct);
            return TypedResults.NoContent();
        }).WithName("JoinCounterpartyGroup").WithSummary("Puts the counterparty in the group (created on first use).");
        counterparties.MapDelete("/{id:guid}/groups/{name}", async (Guid id, string name, CurrentUser user, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.SetMembershipAsync(id, name, false, user, ct);
            return TypedResults.NoContent();
        }).WithName("LeaveCounterpartyGroup");
        app.MapGet("/api/counterparty-groups", async (CounterpartyRelations relations, CancellationToken ct) => TypedResults.Ok(await relations.GroupsAsync(ct)))
            .WithTags("CRM").WithName("ListCounterpartyGroups");
        return app;
    }
}

public sealed record RelationRequest(Guid ChildId, string? Kind);
