using System.Security.Claims;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Counterparties.Cases;

public sealed record MoveCaseRequest(string? Phase, string? LostReason);

/// <summary>HTTP API of the case list and the case page (create, list, page, move, funnel and its export).</summary>
public static class CaseApi
{
    public static IEndpointRouteBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("CRM");
        app.MapPost("/api/cases", async (CreateCaseRequest request, CurrentUser user, CaseService service, CancellationToken ct) =>
            TypedResults.Created("/api/cases", new { id = await service.CreateAsync(request, user, ct) })).WithTags("CRM").WithName("CreateCase");
        app.MapGet("/api/cases/funnel", async (string? owner, DateOnly? from, DateOnly? to, CurrentUser user, CaseService service, CancellationToken ct) =>
            TypedResults.Ok(await service.FunnelAsync(owner, from, to, user, ct))).WithTags("CRM").WithName("CaseFunnel")
            .WithSummary("Open cases per phase (count, value, weighted value), won and lost with reasons; owner, from, to.");
        app.MapGet("/api/cases/funnel/export", async (string? owner, DateOnly? from, DateOnly? to, CurrentUser user, CaseService service, CancellationToken ct) =>
            TypedResults.File(CaseService.FunnelToExcel(await service.FunnelAsync(owner, from, to, user, ct)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "funnel.xlsx")).WithTags("CRM").WithName("ExportFunnel");
        cases.MapGet("/", async (string? group, string? search, string? owner, string? phase, Guid? counterpartyId, string? sort, bool? desc, int? page, int? pageSize,
                string[]? filter, CurrentUser user, CaseBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(new CaseListQuery(group, search, owner, phase, counterpartyId, sort, desc == true, page ?? 1, pageSize ?? 25,
                CounterpartyApi.Filters(filter)), user, ct)))
            .WithName("ListCases").WithSummary("Visible cases: group (potential, inprogress, closed), search in the title, owner, phase, counterpartyId; sort (created, title, value, probability, expectedClose, phase, owner) and desc; filter=field:op:value (repeatable, any field incl. cf.<key>); with the count per group.");
        cases.MapGet("/export", async (string? group, string? search, string? owner, string? phase, Guid? counterpartyId, string? sort, bool? desc, string[]? filter,
                string? columns, CurrentUser user, CaseBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportAsync(new CaseListQuery(group, search, owner, phase, counterpartyId, sort, desc == true, 1, 1, CounterpartyApi.Filters(filter),
                    CounterpartyApi.Columns(columns)),
                user, ct), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"cases-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithName("ExportCases").WithSummary("The case list as .xlsx with the same group, search, filters and order.");
        cases.MapGet("/{id:guid}", async (Guid id, CurrentUser user, CaseBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.GetAsync(id, user, ct))).WithName("GetCase");
        cases.MapGet("/{id:guid}/timeline", async (Guid id, CurrentUser user, CaseBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.TimelineAsync(id, user, ct))).WithName("CaseTimeline")
            .WithSummary("The case's whole history: its steps, activities, notes, process tasks and linked documents you may read.");
        cases.MapPut("/{id:guid}", async (Guid id, UpdateCaseRequest request, CurrentUser user, CaseBook book, CancellationToken ct) =>
        {
            await book.UpdateAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("UpdateCase").WithSummary("Owner or managers: title, value, currency, probability, expectedClose, owner; the revision read with the case must match (409).");
        cases.MapPost("/{id:guid}/move", async (Guid id, MoveCaseRequest request, CurrentUser user, CaseBook book, CancellationToken ct) =>
        {
            await book.MoveAsync(id, request.Phase, request.LostReason, user, ct);
            return TypedResults.NoContent();
        }).WithName("MoveCase").WithSummary("Moves a case no process drives to a phase, or closes it as won or lost (with lostReason); 409 while its sales cycle runs.");
        return app;
    }
}
