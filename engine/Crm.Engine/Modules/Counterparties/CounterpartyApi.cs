using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Counterparties.Fields;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

/// <summary>HTTP API of counterparties: create, list (filters, columns, sort), export, edit, addresses on a day, timeline, import.</summary>
public static class CounterpartyApi
{
    public static IEndpointRouteBuilder MapCounterpartyApi(this IEndpointRouteBuilder app)
    {
        var counterparties = app.MapGroup("/api/counterparties").WithTags("CRM");
        counterparties.MapPost("/", async (CreateCounterpartyRequest request, CurrentUser user, CounterpartyService service, CancellationToken ct) =>
        {
            var id = await service.CreateAsync(request, user, ct);
            return TypedResults.Created($"/api/counterparties/{id}", new { id });
        }).WithName("CreateCounterparty").WithSummary("Company or person with nip, regon, vatEu, addresses, bankAccounts, blocks → 201 {id}; 400 names each invalid field; 409 on a likely duplicate unless allowDuplicate.");
        counterparties.MapGet("/", async (string? search, string? category, int? page, int? pageSize, Guid? after, string[]? filter, string? columns, string? sort, bool? desc,
                bool? archived, CurrentUser user, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(search, category, page ?? 1, pageSize ?? 50, user, ct, after, Options(filter, columns, sort, desc) with { Archived = archived == true })))
            .WithName("ListCounterparties").WithSummary("search (name prefix/infix without diacritics, or NIP prefix), category, filter=field:op:value (repeatable; any field incl. cf.<key>), "
                + "columns=a,b (values per row), sort=field and desc=true (any sortable field; default by name), page or after (last id: keyset paging, by name only); archived=true lists the archived ones instead; total is exact up to 1 000 (1 001 means more).");
        counterparties.MapGet("/export", async (string? search, string? category, string[]? filter, string? columns, string? sort, bool? desc, CurrentUser user,
                CounterpartyService service, CancellationToken ct) =>
            TypedResults.File(await service.ExportAsync(search, category, Options(filter, columns, sort, desc), user, ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"counterparties-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithName("ExportCounterparties").WithSummary("The list as .xlsx with the same search, filters and columns; only rows and fields the caller may see.");
        counterparties.MapGet("/fields", async (CurrentUser user, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListFieldsAsync(user, ct))).WithName("CounterpartyListFields")
            .WithSummary("Columns and filter fields the caller may use (built-in, calculated, custom cf.<key>).");
        counterparties.MapPut("/{id:guid}", async (Guid id, UpdateCounterpartyRequest request, CurrentUser user, CounterpartyService service, CancellationToken ct) =>
        {
            await service.UpdateAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("UpdateCounterparty").WithSummary("Data, segmentation, trade terms, customFields; revision must match (409 otherwise); null leaves a field unchanged.");
        counterparties.MapGet("/{id:guid}", async (Guid id, CurrentUser user, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, user, ct))).WithName("GetCounterparty");
        counterparties.MapGet("/{id:guid}/addresses", async (Guid id, DateOnly? on, CurrentUser user, CounterpartyService service, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await service.AddressesOnAsync(id, on ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), user, ct)))
            .WithName("CounterpartyAddressesOn").WithSummary("Addresses valid on a day (?on=2024-01-31), today when omitted.");
        counterparties.MapGet("/{id:guid}/timeline", async (Guid id, CurrentUser user, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.TimelineAsync(id, null, user, ct))).WithName("CounterpartyTimeline");
        counterparties.MapGet("/{id:guid}/persons", async (Guid id, CurrentUser user, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.PersonsAsync(id, user, ct))).WithName("CounterpartyPersons");

        counterparties.MapPost("/import", async (HttpRequest http, bool? commit, bool? importDuplicates, CurrentUser user, CounterpartyImport import, CustomFieldService fields, CancellationToken ct) =>
        {
            // Body: the CSV text; the mapping is taken from the header names (Polish or English).
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(ct);
            var (header, rows) = CounterpartyImport.ParseCsv(text);
            var context = await fields.ContextAsync("counterparty", ct);
            var mapping = header.Select((h, i) => (i, field: ImportFields.Guess(h, context))).Where(x => x.field is not null).ToDictionary(x => x.i, x => x.field!);
            return TypedResults.Ok(await import.RunAsync(rows, mapping, commit == true, importDuplicates == true, user, null, ct));
        }).WithName("ImportCounterparties").WithSummary("CSV body (header row; ; or , separated); commit=false previews; returns a report per line.")
          .DisableAntiforgery();
        return app;
    }

    /// <summary>A <c>columns=a,b</c> query parameter (null when absent: the list's default columns).</summary>
    internal static List<string>? Columns(string? columns) => columns is null ? null : [.. columns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Repeatable <c>filter=field:op:value</c> query parameters.</summary>
    internal static List<FieldFilter> Filters(string[]? filter) => [.. (filter ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(FieldFilter.Parse)];

    private static CounterpartyListOptions Options(string[]? filter, string? columns, string? sort = null, bool? desc = null) =>
        new(Filters(filter),
            Columns(columns), sort, desc == true);
}
