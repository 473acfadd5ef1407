using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

public sealed record RevisionRequest(int Revision);

/// <summary>HTTP API of a company's master data: rename, archive, addresses, bank accounts, blocks and their history.</summary>
public static class CounterpartyMasterDataApi
{
    public static IEndpointRouteBuilder MapCounterpartyMasterDataApi(this IEndpointRouteBuilder app)
    {
        var company = app.MapGroup("/api/counterparties/{id:guid}").WithTags("CRM");
        company.MapPost("/rename", async (Guid id, RenameRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.RenameAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("RenameCounterparty").WithSummary("A new name from a day on; the old one stays in the name history.");
        company.MapPost("/archive", async (Guid id, ArchiveRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.ArchiveAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("ArchiveCounterparty").WithSummary("Archives (or restores) a counterparty, optionally naming its successor (managers).");
        company.MapPost("/addresses", async (Guid id, NewAddressRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
            TypedResults.Created($"/api/counterparties/{id}/addresses", await data.AddAddressAsync(id, request, user, ct)))
            .WithName("AddCounterpartyAddress").WithSummary("A new address from a day on; the open one of the same kind ends the day before.");
        company.MapPost("/addresses/{addressId:guid}/end", async (Guid id, Guid addressId, EndAddressRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.EndAddressAsync(id, addressId, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("EndCounterpartyAddress");
        company.MapGet("/bank-accounts", async (Guid id, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
            TypedResults.Ok(await data.BankAccountsAsync(id, user, ct))).WithName("ListBankAccounts");
        company.MapPost("/bank-accounts", async (Guid id, NewBankAccountRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
            TypedResults.Created($"/api/counterparties/{id}/bank-accounts", await data.AddBankAccountAsync(id, request, user, ct)))
            .WithName("AddBankAccount").WithSummary("Adds an account (IBAN checked; managers and finance).");
        company.MapPost("/bank-accounts/{accountId:guid}/retire", async (Guid id, Guid accountId, RevisionRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.RetireBankAccountAsync(id, accountId, request.Revision, user, ct);
            return TypedResults.NoContent();
        }).WithName("RetireBankAccount");
        company.MapPost("/blocks", async (Guid id, NewBlockRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.SetBlockAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("SetCounterpartyBlock").WithSummary("Blocks sales, delivery or payment with a reason, from a day (until a day).");
        company.MapPost("/blocks/{blockId:guid}/lift", async (Guid id, Guid blockId, LiftBlockRequest request, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
        {
            await data.LiftBlockAsync(id, blockId, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("LiftCounterpartyBlock");
        company.MapPost("/merge", async (Guid id, MergeRequest request, CurrentUser user, CounterpartyMerge merge, CancellationToken ct) =>
            TypedResults.Ok(await merge.MergeAsync(id, request, user, ct)))
            .WithName("MergeCounterparties").WithSummary("Merges {duplicateId} into this counterparty: its persons, activities, notes, cases, accounts, blocks, relations, "
                + "groups, complaints and tickets move here; the duplicate is archived with this one as successor (managers).");
        company.MapGet("/changes", async (Guid id, CurrentUser user, CounterpartyMasterData data, CancellationToken ct) =>
            TypedResults.Ok(await data.ChangesAsync(id, user, ct))).WithName("CounterpartyChanges").WithSummary("Who changed what in the master data, newest first.");
        return app;
    }
}
