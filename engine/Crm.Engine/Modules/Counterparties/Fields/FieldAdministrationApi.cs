using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties.Fields;

/// <summary>Custom fields and dictionaries: everyone reads them (forms need them), admins change them.</summary>
public static class FieldAdministrationApi
{
    public static IEndpointRouteBuilder MapFieldAdministrationApi(this IEndpointRouteBuilder app)
    {
        var fields = app.MapGroup("/api/custom-fields").WithTags("CRM");
        fields.MapGet("/", async (string? entity, CurrentUser user, CustomFieldService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(entity ?? "counterparty", user, ct))).WithName("ListCustomFields");
        fields.MapPost("/", async (DefineFieldRequest request, CurrentUser user, CustomFieldService service, CancellationToken ct) =>
            TypedResults.Created("/api/custom-fields", new { id = await service.DefineAsync(request, user, ct) }))
            .WithName("DefineCustomField").WithSummary("Admins: entity, key, label, type (text, number, date, bool, choice, multichoice, dictionary), required, pattern, min, max, options, dictionaryKey, sensitive.");
        fields.MapDelete("/{id:guid}", async (Guid id, CurrentUser user, CustomFieldService service, CancellationToken ct) =>
        {
            await service.ArchiveAsync(id, user, ct);
            return TypedResults.NoContent();
        }).WithName("ArchiveCustomField").WithSummary("Admins: the field leaves forms, lists and filters; stored values stay.");

        var dictionaries = app.MapGroup("/api/dictionaries").WithTags("CRM");
        dictionaries.MapGet("/", async (string? name, DictionaryService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(name, ct)))
            .WithName("ListDictionaryEntries");
        dictionaries.MapPost("/{name}", async (string name, DictionaryValue body, CurrentUser user, DictionaryService service, CancellationToken ct) =>
            TypedResults.Created($"/api/dictionaries?name={name}", new { id = await service.AddAsync(name, body.Value, user, ct) }))
            .WithName("AddDictionaryEntry").WithSummary("Admins: adds {value} to the dictionary (industry, priority, classification, source, category or your own).");
        dictionaries.MapPut("/entries/{id:guid}", async (Guid id, DictionaryEntryChange body, CurrentUser user, DictionaryService service, CancellationToken ct) =>
        {
            if (body.Active is { } active)
            {
                await service.SetActiveAsync(id, active, user, ct);
            }

            if (body.Move is { } move and not 0)
            {
                await service.MoveAsync(id, move, user, ct);
            }

            return TypedResults.NoContent();
        }).WithName("ChangeDictionaryEntry").WithSummary("Admins: {active} to (de)activate, {move: -1|1} to reorder.");
        return app;
    }
}

public sealed record DictionaryValue(string? Value);

public sealed record DictionaryEntryChange(bool? Active, int? Move);
