using System.Security.Claims;
using Crm.Engine.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Engine.Counterparties;

/// <summary>HTTP API of the CRM core: counterparties, persons, activities, notes, cases and the funnel.</summary>
public static class CounterpartyApi
{
    public static IEndpointRouteBuilder MapCounterpartyApi(this IEndpointRouteBuilder app)
    {
        var counterparties = app.MapGroup("/api/counterparties").WithTags("CRM");
        counterparties.MapPost("/", async (CreateCounterpartyRequest request, ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
        {
            var id = await service.CreateAsync(request, CurrentUser.From(principal), ct);
            return TypedResults.Created($"/api/counterparties/{id}", new { id });
        }).WithName("CreateCounterparty").WithSummary("Company or person with nip, regon, vatEu, addresses, bankAccounts, blocks → 201 {id}; 400 names each invalid field; 409 on a likely duplicate unless allowDuplicate.");
        counterparties.MapGet("/", async (string? search, string? category, int? page, int? pageSize, Guid? after, ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(search, category, page ?? 1, pageSize ?? 50, CurrentUser.From(principal), ct, after)))
            .WithName("ListCounterparties").WithSummary("search (name prefix/infix without diacritics, or NIP prefix), category, page or after (last id: keyset paging); total is exact up to 1 000 (shown as 1 000+ beyond).");
        counterparties.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, CurrentUser.From(principal), ct))).WithName("GetCounterparty");
        counterparties.MapGet("/{id:guid}/addresses", async (Guid id, DateOnly? on, ClaimsPrincipal principal, CounterpartyService service, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await service.AddressesOnAsync(id, on ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), CurrentUser.From(principal), ct)))
            .WithName("CounterpartyAddressesOn").WithSummary("Addresses valid on a day (?on=2024-01-31), today when omitted.");
        counterparties.MapGet("/{id:guid}/timeline", async (Guid id, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.TimelineAsync(id, null, CurrentUser.From(principal), ct))).WithName("CounterpartyTimeline");
        counterparties.MapGet("/{id:guid}/persons", async (Guid id, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.PersonsAsync(id, CurrentUser.From(principal), ct))).WithName("CounterpartyPersons");

        counterparties.MapPost("/import", async (HttpRequest http, bool? commit, bool? importDuplicates, ClaimsPrincipal principal, CounterpartyImport import, CancellationToken ct) =>
        {
            // Body: the CSV text; the mapping is taken from the header names (Polish or English).
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(ct);
            var (header, rows) = CounterpartyImport.ParseCsv(text);
            var mapping = header.Select((h, i) => (i, field: ImportFields.Guess(h))).Where(x => x.field is not null).ToDictionary(x => x.i, x => x.field!);
            return TypedResults.Ok(await import.RunAsync(rows, mapping, commit == true, importDuplicates == true, CurrentUser.From(principal), null, ct));
        }).WithName("ImportCounterparties").WithSummary("CSV body (header row; ; or , separated); commit=false previews; returns a report per line.")
          .DisableAntiforgery();
        app.MapPost("/api/persons", async (CreatePersonRequest request, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/persons", new { id = await service.CreatePersonAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreatePerson");
        app.MapPost("/api/activities", async (CreateActivityRequest request, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/activities", new { id = await service.CreateActivityAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateActivity");
        app.MapPost("/api/notes", async (CreateNoteRequest request, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/notes", new { id = await service.CreateNoteAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateNote");
        app.MapPost("/api/cases", async (CreateCaseRequest request, ClaimsPrincipal principal, CaseService service, CancellationToken ct) =>
            TypedResults.Created("/api/cases", new { id = await service.CreateAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateCase");
        app.MapGet("/api/cases/funnel", async (string? owner, DateOnly? from, DateOnly? to, ClaimsPrincipal principal, CaseService service, CancellationToken ct) =>
            TypedResults.Ok(await service.FunnelAsync(owner, from, to, CurrentUser.From(principal), ct))).WithTags("CRM").WithName("CaseFunnel")
            .WithSummary("Open cases per phase (count, value, weighted value), won and lost with reasons; owner, from, to.");
        return app;
    }
}
