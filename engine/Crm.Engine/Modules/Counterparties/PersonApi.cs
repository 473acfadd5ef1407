using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

/// <summary>HTTP API of persons (contact people, with or without a company): list, export, card, import.</summary>
public static class PersonApi
{
    public static IEndpointRouteBuilder MapPersonApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/persons/import", async (HttpRequest http, bool? commit, bool? importDuplicates, CurrentUser user, PersonImport import, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(ct);
            var records = PersonImport.LooksLikeVCard(text) ? PersonImport.ParseVCards(text) : PersonImport.ParseCsv(text);
            return TypedResults.Ok(await import.RunAsync(records, commit == true, importDuplicates == true, user, null, ct));
        }).WithTags("CRM").WithName("ImportPersons").WithSummary("vCard (2.1/3.0/4.0) or CSV body; persons are linked to the visible company named by ORG/company (name or NIP); commit=false previews.")
          .DisableAntiforgery();
        app.MapGet("/api/persons", async (string? search, int? page, int? pageSize, string? sort, bool? desc, string[]? filter, CurrentUser user, PersonDirectory directory,
                CancellationToken ct) =>
            TypedResults.Ok(await directory.ListAsync(search, page ?? 1, pageSize ?? 50, user, ct, sort, desc == true, CounterpartyApi.Filters(filter))))
            .WithTags("CRM").WithName("ListPersons").WithSummary("Persons the caller may see (with a visible company, or standalone ones they created); search in name and e-mail; sort = name (default), company, position, email; desc.");
        app.MapGet("/api/persons/export", async (string? search, string? sort, bool? desc, string[]? filter, string? columns, CurrentUser user, PersonDirectory directory,
                CancellationToken ct) =>
            TypedResults.File(await directory.ExportAsync(search, sort, desc == true, CounterpartyApi.Filters(filter), user, ct, CounterpartyApi.Columns(columns)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"persons-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithTags("CRM").WithName("ExportPersons").WithSummary("The persons list as .xlsx with the same search, filters and order.");
        app.MapGet("/api/persons/{id:guid}", async (Guid id, CurrentUser user, PersonCard card, CancellationToken ct) =>
            TypedResults.Ok(await card.GetAsync(id, user, ct))).WithTags("CRM").WithName("GetPerson")
            .WithSummary("A person; personal data (birthday, name day, family, hobbies, private address and contacts) only for those allowed it (personalHidden otherwise).");
        app.MapPut("/api/persons/{id:guid}", async (Guid id, UpdatePersonRequest request, CurrentUser user, PersonCard card, CancellationToken ct) =>
        {
            await card.UpdateAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("UpdatePerson").WithSummary("The whole editable person with the revision read (409 when stale); 400 names each invalid field.");
        app.MapGet("/api/persons/{id:guid}/gdpr-export", async (Guid id, CurrentUser user, PersonDataExport export, CancellationToken ct) =>
        {
            var file = await export.ExportAsync(id, user, ct);
            return TypedResults.File(file.Content, "application/zip", file.FileName);
        }).WithTags("CRM").WithName("ExportPersonData")
            .WithSummary("GDPR: everything held about the person as a ZIP (person.json and summary.html); compliance and admins; audited.");
        app.MapPost("/api/persons", async (CreatePersonRequest request, CurrentUser user, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/persons", new { id = await service.CreatePersonAsync(request, user, ct) })).WithTags("CRM").WithName("CreatePerson");
        return app;
    }
}
