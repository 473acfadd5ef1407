using System.Security.Claims;
using Crm.Workflow.Common;
using Crm.Modules.Counterparties.Cases;
using Crm.Modules.Counterparties.Fields;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties;

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
        counterparties.MapGet("/", async (string? search, string? category, int? page, int? pageSize, Guid? after, string[]? filter, string? columns, string? sort, bool? desc,
                ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(search, category, page ?? 1, pageSize ?? 50, CurrentUser.From(principal), ct, after, Options(filter, columns, sort, desc))))
            .WithName("ListCounterparties").WithSummary("search (name prefix/infix without diacritics, or NIP prefix), category, filter=field:op:value (repeatable; any field incl. cf.<key>), "
                + "columns=a,b (values per row), sort=field and desc=true (any sortable field; default by name), page or after (last id: keyset paging, by name only); total is exact up to 1 000 (1 001 means more).");
        counterparties.MapGet("/export", async (string? search, string? category, string[]? filter, string? columns, string? sort, bool? desc, ClaimsPrincipal principal,
                CounterpartyService service, CancellationToken ct) =>
            TypedResults.File(await service.ExportAsync(search, category, Options(filter, columns, sort, desc), CurrentUser.From(principal), ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"counterparties-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithName("ExportCounterparties").WithSummary("The list as .xlsx with the same search, filters and columns; only rows and fields the caller may see.");
        counterparties.MapGet("/fields", async (ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListFieldsAsync(CurrentUser.From(principal), ct))).WithName("CounterpartyListFields")
            .WithSummary("Columns and filter fields the caller may use (built-in, calculated, custom cf.<key>).");
        counterparties.MapPut("/{id:guid}", async (Guid id, UpdateCounterpartyRequest request, ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
        {
            await service.UpdateAsync(id, request, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("UpdateCounterparty").WithSummary("Data, segmentation, trade terms, customFields; revision must match (409 otherwise); null leaves a field unchanged.");
        counterparties.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal principal, CounterpartyService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(id, CurrentUser.From(principal), ct))).WithName("GetCounterparty");
        counterparties.MapGet("/{id:guid}/addresses", async (Guid id, DateOnly? on, ClaimsPrincipal principal, CounterpartyService service, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await service.AddressesOnAsync(id, on ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), CurrentUser.From(principal), ct)))
            .WithName("CounterpartyAddressesOn").WithSummary("Addresses valid on a day (?on=2024-01-31), today when omitted.");
        counterparties.MapGet("/{id:guid}/timeline", async (Guid id, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.TimelineAsync(id, null, CurrentUser.From(principal), ct))).WithName("CounterpartyTimeline");
        counterparties.MapGet("/{id:guid}/persons", async (Guid id, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Ok(await service.PersonsAsync(id, CurrentUser.From(principal), ct))).WithName("CounterpartyPersons");

        counterparties.MapPost("/import", async (HttpRequest http, bool? commit, bool? importDuplicates, ClaimsPrincipal principal, CounterpartyImport import, CustomFieldService fields, CancellationToken ct) =>
        {
            // Body: the CSV text; the mapping is taken from the header names (Polish or English).
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(ct);
            var (header, rows) = CounterpartyImport.ParseCsv(text);
            var context = await fields.ContextAsync("counterparty", ct);
            var mapping = header.Select((h, i) => (i, field: ImportFields.Guess(h, context))).Where(x => x.field is not null).ToDictionary(x => x.i, x => x.field!);
            return TypedResults.Ok(await import.RunAsync(rows, mapping, commit == true, importDuplicates == true, CurrentUser.From(principal), null, ct));
        }).WithName("ImportCounterparties").WithSummary("CSV body (header row; ; or , separated); commit=false previews; returns a report per line.")
          .DisableAntiforgery();
        app.MapPost("/api/persons/import", async (HttpRequest http, bool? commit, bool? importDuplicates, ClaimsPrincipal principal, PersonImport import, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(ct);
            var records = PersonImport.LooksLikeVCard(text) ? PersonImport.ParseVCards(text) : PersonImport.ParseCsv(text);
            return TypedResults.Ok(await import.RunAsync(records, commit == true, importDuplicates == true, CurrentUser.From(principal), null, ct));
        }).WithTags("CRM").WithName("ImportPersons").WithSummary("vCard (2.1/3.0/4.0) or CSV body; persons are linked to the visible company named by ORG/company (name or NIP); commit=false previews.")
          .DisableAntiforgery();
        app.MapGet("/api/persons", async (string? search, int? page, int? pageSize, string? sort, bool? desc, string[]? filter, ClaimsPrincipal principal, PersonDirectory directory,
                CancellationToken ct) =>
            TypedResults.Ok(await directory.ListAsync(search, page ?? 1, pageSize ?? 50, CurrentUser.From(principal), ct, sort, desc == true, Filters(filter))))
            .WithTags("CRM").WithName("ListPersons").WithSummary("Persons the caller may see (with a visible company, or standalone ones they created); search in name and e-mail; sort = name (default), company, position, email; desc.");
        app.MapGet("/api/persons/export", async (string? search, string? sort, bool? desc, string[]? filter, string? columns, ClaimsPrincipal principal, PersonDirectory directory,
                CancellationToken ct) =>
            TypedResults.File(await directory.ExportAsync(search, sort, desc == true, Filters(filter), CurrentUser.From(principal), ct, Columns(columns)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"persons-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithTags("CRM").WithName("ExportPersons").WithSummary("The persons list as .xlsx with the same search, filters and order.");
        app.MapGet("/api/persons/{id:guid}", async (Guid id, ClaimsPrincipal principal, PersonCard card, CancellationToken ct) =>
            TypedResults.Ok(await card.GetAsync(id, CurrentUser.From(principal), ct))).WithTags("CRM").WithName("GetPerson")
            .WithSummary("A person; personal data (birthday, name day, family, hobbies, private address and contacts) only for those allowed it (personalHidden otherwise).");
        app.MapPut("/api/persons/{id:guid}", async (Guid id, UpdatePersonRequest request, ClaimsPrincipal principal, PersonCard card, CancellationToken ct) =>
        {
            await card.UpdateAsync(id, request, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("UpdatePerson").WithSummary("The whole editable person with the revision read (409 when stale); 400 names each invalid field.");
        app.MapPost("/api/persons", async (CreatePersonRequest request, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/persons", new { id = await service.CreatePersonAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreatePerson");
        app.MapGet("/api/activities", async (string? show, string? employee, Guid? counterpartyId, Guid? personId, int? page, int? pageSize, string[]? filter, string? sort, bool? desc,
                ClaimsPrincipal principal, ActivityBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(new ActivityListQuery(show, employee, counterpartyId, page ?? 1, pageSize ?? 25, Filters(filter), sort, desc == true, PersonId: personId),
                CurrentUser.From(principal), ct)))
            .WithTags("CRM").WithName("ListActivities")
            .WithSummary("show = planned (default), overdue, done, cancelled or all; employee (default you, * for everyone you may see); counterpartyId; personId; filter=field:op:value (repeatable); sort (at, subject, type, direction, status, counterparty, employee, durationMinutes) and desc.");
        app.MapGet("/api/activities/export", async (string? show, string? employee, Guid? counterpartyId, string[]? filter, string? sort, bool? desc, string? columns,
                ClaimsPrincipal principal, ActivityBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportAsync(new ActivityListQuery(show, employee, counterpartyId, 1, 1, Filters(filter), sort, desc == true, Columns(columns)), CurrentUser.From(principal), ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"activities-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithTags("CRM").WithName("ExportActivities").WithSummary("The activity list as .xlsx with the same show, employee, filters and order, in the columns given (columns=at,type,...; the subject always first).");
        app.MapPut("/api/activities/{id:guid}/status", async (Guid id, ActivityStatusChange body, ClaimsPrincipal principal, ActivityBook book, CancellationToken ct) =>
        {
            await book.SetStatusAsync(id, body.Status, body.DurationMinutes, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("CloseActivity").WithSummary("A planned activity becomes done (with durationMinutes) or cancelled; 409 when it is closed already.");
        app.MapPost("/api/activities/{id:guid}/follow-up", async (Guid id, FollowUpRequest body, ClaimsPrincipal principal, ActivityBook book, CancellationToken ct) =>
            TypedResults.Created("/api/activities", new { id = await book.PlanFollowUpAsync(id, body.Type, body.At, body.Subject, CurrentUser.From(principal), ct) }))
            .WithTags("CRM").WithName("PlanFollowUp").WithSummary("Plans the next contact after this activity (same counterparty, person and case).");
        app.MapPost("/api/activities", async (CreateActivityRequest request, ClaimsPrincipal principal, CrmActivityService service, CancellationToken ct) =>
            TypedResults.Created("/api/activities", new { id = await service.CreateActivityAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateActivity");
        app.MapGet("/api/activities/{id:guid}/documents", async (Guid id, ClaimsPrincipal principal, ActivityDocuments documents, CancellationToken ct) =>
            TypedResults.Ok(await documents.ListAsync(id, CurrentUser.From(principal), ct)))
            .WithTags("CRM").WithName("ActivityDocuments").WithSummary("Documents of the activity you may read: attached ones (removable) and those whose links name it.");
        app.MapPost("/api/activities/{id:guid}/documents", async (Guid id, AttachDocumentRequest body, ClaimsPrincipal principal, ActivityDocuments documents, CancellationToken ct) =>
        {
            await documents.AttachAsync(id, body.DocumentId, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("AttachActivityDocument").WithSummary("{documentId}: a document you may read; attaching it again changes nothing.");
        app.MapDelete("/api/activities/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, ClaimsPrincipal principal, ActivityDocuments documents, CancellationToken ct) =>
        {
            await documents.DetachAsync(id, documentId, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("DetachActivityDocument").WithSummary("The activity's employee, whoever attached it, or a manager.");
        app.MapGet("/api/documents/{id:guid}/activities", async (Guid id, ClaimsPrincipal principal, ActivityDocuments documents, CancellationToken ct) =>
            TypedResults.Ok(await documents.ActivitiesOfAsync(id, CurrentUser.From(principal), ct)))
            .WithTags("CRM").WithName("DocumentActivities").WithSummary("The contacts this document is attached to (of counterparties you may see).");
        app.MapPost("/api/notes", async (CreateNoteRequest request, ClaimsPrincipal principal, NoteBook notes, CancellationToken ct) =>
            TypedResults.Created("/api/notes", new { id = await notes.CreateAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateNote")
            .WithSummary("text, and a counterpartyId or personId, optionally tied to an activityId, caseId or taskId (what these imply is filled in).");
        app.MapDelete("/api/notes/{id:guid}", async (Guid id, ClaimsPrincipal principal, NoteBook notes, CancellationToken ct) =>
        {
            await notes.DeleteAsync(id, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithTags("CRM").WithName("RemoveNote").WithSummary("The note's author or a manager; audited.");
        app.MapGet("/api/notes", async (Guid? personId, Guid? activityId, Guid? taskId, ClaimsPrincipal principal, NoteBook notes, CancellationToken ct) =>
            TypedResults.Ok(await notes.ListAsync(new NoteQuery(personId, activityId, taskId), CurrentUser.From(principal), ct)))
            .WithTags("CRM").WithName("ListNotes").WithSummary("The notes on one person, activity or task (exactly one of personId, activityId, taskId).");
        app.MapPost("/api/cases", async (CreateCaseRequest request, ClaimsPrincipal principal, CaseService service, CancellationToken ct) =>
            TypedResults.Created("/api/cases", new { id = await service.CreateAsync(request, CurrentUser.From(principal), ct) })).WithTags("CRM").WithName("CreateCase");
        app.MapGet("/api/cases/funnel", async (string? owner, DateOnly? from, DateOnly? to, ClaimsPrincipal principal, CaseService service, CancellationToken ct) =>
            TypedResults.Ok(await service.FunnelAsync(owner, from, to, CurrentUser.From(principal), ct))).WithTags("CRM").WithName("CaseFunnel")
            .WithSummary("Open cases per phase (count, value, weighted value), won and lost with reasons; owner, from, to.");
        counterparties.MapGet("/{id:guid}/relations", async (Guid id, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
            TypedResults.Ok(await relations.TreeAsync(id, CurrentUser.From(principal), ct))).WithName("CounterpartyRelations")
            .WithSummary("The company tree (from the top-most parent down; companies you may not see have no name) and partners.");
        counterparties.MapPost("/{id:guid}/relations", async (Guid id, RelationRequest body, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.AddAsync(id, body.ChildId, body.Kind, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("AddCounterpartyRelation").WithSummary("{childId, kind: branch|subsidiary|partner}: this counterparty is the head office/parent; loops are refused.");
        counterparties.MapDelete("/{id:guid}/relations/{childId:guid}", async (Guid id, Guid childId, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.RemoveAsync(id, childId, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("RemoveCounterpartyRelation");
        counterparties.MapGet("/{id:guid}/groups", async (Guid id, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
            TypedResults.Ok(await relations.GroupsOfAsync(id, CurrentUser.From(principal), ct))).WithName("CounterpartyGroups");
        counterparties.MapPut("/{id:guid}/groups/{name}", async (Guid id, string name, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.SetMembershipAsync(id, name, true, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("JoinCounterpartyGroup").WithSummary("Puts the counterparty in the group (created on first use).");
        counterparties.MapDelete("/{id:guid}/groups/{name}", async (Guid id, string name, ClaimsPrincipal principal, CounterpartyRelations relations, CancellationToken ct) =>
        {
            await relations.SetMembershipAsync(id, name, false, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("LeaveCounterpartyGroup");
        app.MapGet("/api/counterparty-groups", async (CounterpartyRelations relations, CancellationToken ct) => TypedResults.Ok(await relations.GroupsAsync(ct)))
            .WithTags("CRM").WithName("ListCounterpartyGroups");
        app.MapGet("/api/reports/time-cost", async (DateOnly? from, DateOnly? to, decimal? rate, string? employee, string? format, ClaimsPrincipal principal,
            Reports.TimeCostReport report, TimeProvider clock, CancellationToken ct) =>
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var result = await report.RunAsync(from ?? today.AddDays(1 - today.Day), to ?? today, rate, employee, CurrentUser.From(principal), ct);
            return string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase)
                ? (IResult)TypedResults.File(Reports.TimeCostReport.ToExcel(result), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"time-cost-{result.From:yyyyMMdd}-{result.To:yyyyMMdd}.xlsx")
                : TypedResults.Ok(result);
        }).WithTags("CRM").WithName("TimeCostReport").WithSummary("Time and cost per customer: done activities' minutes in [from, to] × rate (default from Crm:Reports:HourlyRate); employee; format=xlsx.");
        app.MapGet("/api/cases/funnel/export", async (string? owner, DateOnly? from, DateOnly? to, ClaimsPrincipal principal, CaseService service, CancellationToken ct) =>
            TypedResults.File(CaseService.FunnelToExcel(await service.FunnelAsync(owner, from, to, CurrentUser.From(principal), ct)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "funnel.xlsx")).WithTags("CRM").WithName("ExportFunnel");
        MapFieldAdministration(app);
        app.MapCaseApi();
        return app;
    }

    /// <summary>A <c>columns=a,b</c> query parameter (null when absent: the list's default columns).</summary>
    internal static List<string>? Columns(string? columns) => columns is null ? null : [.. columns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Repeatable <c>filter=field:op:value</c> query parameters.</summary>
    internal static List<FieldFilter> Filters(string[]? filter) => [.. (filter ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(FieldFilter.Parse)];

    private static CounterpartyListOptions Options(string[]? filter, string? columns, string? sort = null, bool? desc = null) =>
        new(Filters(filter),
            Columns(columns), sort, desc == true);

    /// <summary>Custom fields and dictionaries: everyone reads them (forms need them), admins change them.</summary>
    private static void MapFieldAdministration(IEndpointRouteBuilder app)
    {
        var fields = app.MapGroup("/api/custom-fields").WithTags("CRM");
        fields.MapGet("/", async (string? entity, ClaimsPrincipal principal, CustomFieldService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(entity ?? "counterparty", CurrentUser.From(principal), ct))).WithName("ListCustomFields");
        fields.MapPost("/", async (DefineFieldRequest request, ClaimsPrincipal principal, CustomFieldService service, CancellationToken ct) =>
            TypedResults.Created("/api/custom-fields", new { id = await service.DefineAsync(request, CurrentUser.From(principal), ct) }))
            .WithName("DefineCustomField").WithSummary("Admins: entity, key, label, type (text, number, date, bool, choice, multichoice, dictionary), required, pattern, min, max, options, dictionaryKey, sensitive.");
        fields.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal principal, CustomFieldService service, CancellationToken ct) =>
        {
            await service.ArchiveAsync(id, CurrentUser.From(principal), ct);
            return TypedResults.NoContent();
        }).WithName("ArchiveCustomField").WithSummary("Admins: the field leaves forms, lists and filters; stored values stay.");

        var dictionaries = app.MapGroup("/api/dictionaries").WithTags("CRM");
        dictionaries.MapGet("/", async (string? name, DictionaryService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(name, ct)))
            .WithName("ListDictionaryEntries");
        dictionaries.MapPost("/{name}", async (string name, DictionaryValue body, ClaimsPrincipal principal, DictionaryService service, CancellationToken ct) =>
            TypedResults.Created($"/api/dictionaries?name={name}", new { id = await service.AddAsync(name, body.Value, CurrentUser.From(principal), ct) }))
            .WithName("AddDictionaryEntry").WithSummary("Admins: adds {value} to the dictionary (industry, priority, classification, source, category or your own).");
        dictionaries.MapPut("/entries/{id:guid}", async (Guid id, DictionaryEntryChange body, ClaimsPrincipal principal, DictionaryService service, CancellationToken ct) =>
        {
            var user = CurrentUser.From(principal);
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
    }
}

public sealed record DictionaryValue(string? Value);

public sealed record ActivityStatusChange(string? Status, int? DurationMinutes);

public sealed record FollowUpRequest(string? Type, DateTimeOffset? At, string? Subject);

public sealed record AttachDocumentRequest(Guid DocumentId);

public sealed record RelationRequest(Guid ChildId, string? Kind);

public sealed record DictionaryEntryChange(bool? Active, int? Move);
