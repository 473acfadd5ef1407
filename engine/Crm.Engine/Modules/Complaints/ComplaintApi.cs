using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Complaints;

public sealed record ComplaintNoteRequest(string? Text);

public sealed record ExpertiseRequest(string? Summary);

/// <summary>HTTP API of complaints: register, list and export, page, edits, notes, costs, the expertise message, the cost report and settings.</summary>
public static class ComplaintApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapComplaintApi(this IEndpointRouteBuilder app)
    {
        var complaints = app.MapGroup("/api/complaints").WithTags("Complaints");
        complaints.MapPost("/", async (RegisterComplaintRequest request, CurrentUser user, RegisterComplaint register, CancellationToken ct) =>
        {
            var registered = await register.RunAsync(request, user, ct);
            return TypedResults.Created($"/api/complaints/{registered.Id}", registered);
        }).WithName("RegisterComplaint").WithSummary("Registers a complaint (number, deadline, folder) and starts its complaint-handling process.");
        complaints.MapGet("/", async ([AsParameters] ComplaintListParameters p, CurrentUser user, ComplaintBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(p.Query(), user, ct)))
            .WithName("ListComplaints").WithSummary("Visible complaints: search (number, subject, product, document, counterparty), status, kind, demand, channel, decision, owner, counterpartyId, receivedFrom/To, overdue, filter=field:op:value (repeatable, any field); sort (number, received, deadline, status, subject, owner, counterparty, claimed) and desc.");
        complaints.MapGet("/export", async ([AsParameters] ComplaintListParameters p, string? columns, CurrentUser user, ComplaintBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportAsync(p.Query(), columns?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), user, ct),
                Xlsx, $"complaints-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithName("ExportComplaints").WithSummary("The complaint list as .xlsx with the same filters and order; columns=comma-separated (default all).");
        complaints.MapGet("/{id:guid}", async (Guid id, CurrentUser user, ComplaintBook book, CancellationToken ct) => TypedResults.Ok(await book.GetAsync(id, user, ct)))
            .WithName("GetComplaint");
        complaints.MapGet("/{id:guid}/history", async (Guid id, CurrentUser user, ComplaintBook book, CancellationToken ct) => TypedResults.Ok(await book.HistoryAsync(id, user, ct)))
            .WithName("ComplaintHistory").WithSummary("Every step, edit (field, before, after), note and cost of the complaint, newest first.");
        complaints.MapPut("/{id:guid}", async (Guid id, UpdateComplaintRequest request, CurrentUser user, ComplaintEditing editing, CancellationToken ct) =>
        {
            await editing.UpdateAsync(id, request, user, ct);
            return TypedResults.NoContent();
        }).WithName("UpdateComplaint").WithSummary("Owner, handling group or process owners: details; the revision read with the complaint must match (409).");
        complaints.MapPost("/{id:guid}/notes", async (Guid id, ComplaintNoteRequest request, CurrentUser user, ComplaintEditing editing, CancellationToken ct) =>
        {
            await editing.AddNoteAsync(id, request.Text, user, ct);
            return TypedResults.NoContent();
        }).WithName("AddComplaintNote");
        complaints.MapPost("/{id:guid}/costs", async (Guid id, AddComplaintCostRequest request, CurrentUser user, ComplaintCosts costs, CancellationToken ct) =>
            TypedResults.Created($"/api/complaints/{id}", new { id = await costs.AddAsync(id, request, user, ct) }))
            .WithName("AddComplaintCost").WithSummary("A cost line: type (from the settings' cost types), amount, currency, on (date), note.");
        complaints.MapDelete("/{id:guid}/costs/{costId:guid}", async (Guid id, Guid costId, CurrentUser user, ComplaintCosts costs, CancellationToken ct) =>
        {
            await costs.RemoveAsync(id, costId, user, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveComplaintCost");
        complaints.MapPost("/{id:guid}/expertise", async (Guid id, ExpertiseRequest request, CurrentUser user, IComplaintProcess process, CancellationToken ct) =>
        {
            await process.ExpertiseReceivedAsync(id, request.Summary, user, ct);
            return TypedResults.NoContent();
        }).WithName("ComplaintExpertiseReceived").WithSummary("The supplier's expertise arrived: the process waiting for it goes on to the decision (409 when none waits).");
        app.MapGet("/api/complaint-costs", async (string? by, DateOnly? from, DateOnly? to, CurrentUser user, ComplaintCosts costs, CancellationToken ct) =>
            TypedResults.Ok(await costs.ReportAsync(by, from, to, user, ct))).WithTags("Complaints").WithName("ComplaintCostReport")
            .WithSummary("Costs of visible complaints per customer, product, type or month (by), cost dates from..to, per currency.");
        app.MapGet("/api/complaint-costs/export", async (string? by, DateOnly? from, DateOnly? to, CurrentUser user, ComplaintCosts costs, CancellationToken ct) =>
            TypedResults.File(await costs.ExportAsync(by, from, to, user, ct), Xlsx, "complaint-costs.xlsx")).WithTags("Complaints").WithName("ExportComplaintCostReport");
        app.MapGet("/api/complaint-settings", async (ComplaintSettingsService settings, CancellationToken ct) => TypedResults.Ok(await settings.GetAsync(ct)))
            .WithTags("Complaints").WithName("ComplaintSettings");
        app.MapPut("/api/complaint-settings", async (ComplaintSettingsView request, CurrentUser user, ComplaintSettingsService settings, CancellationToken ct) =>
            TypedResults.Ok(await settings.SaveAsync(request, user, ct))).WithTags("Complaints").WithName("SaveComplaintSettings")
            .WithSummary("Admins: number pattern, consumer and business deadline days, warning days, four-eyes threshold, approver and handling groups, cost types.");
        return app;
    }
}

/// <summary>The list's query string.</summary>
public sealed record ComplaintListParameters(string? Search, string? Status, string? Kind, string? Demand, string? Channel, string? Decision, string? Owner,
    Guid? CounterpartyId, DateOnly? ReceivedFrom, DateOnly? ReceivedTo, bool? Overdue, string? Sort, bool? Desc, int? Page, int? PageSize, string[]? Filter)
{
    public ComplaintListQuery Query() => new(Search, Status, Kind, Demand, Channel, Decision, Owner, CounterpartyId, ReceivedFrom, ReceivedTo, Overdue, Sort, Desc == true,
        Page ?? 1, PageSize ?? 25, [.. (Filter ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Select(Crm.Modules.Counterparties.Fields.FieldFilter.Parse)]);
}
