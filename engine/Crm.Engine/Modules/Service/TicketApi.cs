using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Service;

public sealed record CustomerReplyRequest(string? Summary);

public sealed record LinkCaseRequest(Guid? CaseId);

public sealed record TurnIntoComplaintRequest(string? Demand);

/// <summary>HTTP API of the service desk: register, queues and lists, ticket page, customer replies, links, statistics, settings and SLA policies.</summary>
public static class TicketApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapTicketApi(this IEndpointRouteBuilder app)
    {
        var tickets = app.MapGroup("/api/tickets").WithTags("Service desk");
        tickets.MapPost("/", async (RegisterTicketRequest request, CurrentUser user, RegisterTicket register, CancellationToken ct) =>
        {
            var registered = await register.RunAsync(request, user, ct);
            return TypedResults.Created($"/api/tickets/{registered.Id}", registered);
        }).WithName("RegisterTicket").WithSummary("Registers a ticket: the SLA policy for its classification and the customer's tier sets the reaction and resolution targets (working time).");
        tickets.MapGet("/", async (string? group, bool? open, string? search, string? classification, string? stage, Guid? counterpartyId, bool? breached, int? page, int? pageSize,
                CurrentUser user, TicketBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(new TicketQuery(group, open ?? true, search, classification, stage, counterpartyId, breached, page ?? 1, pageSize ?? 25), user, ct)))
            .WithName("ListTickets").WithSummary("A queue: open tickets (open=false for all) of a group by time to breach, then score; search, classification, stage, counterpartyId, breached.");
        tickets.MapGet("/export", async (string? group, bool? open, string? search, string? classification, string? stage, CurrentUser user, TicketBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportAsync(new TicketQuery(group, open ?? true, search, classification, stage), user, ct), Xlsx, "tickets.xlsx")).WithName("ExportTickets");
        tickets.MapGet("/stats", async (string? by, DateOnly? from, DateOnly? to, CurrentUser user, TicketBook book, CancellationToken ct) =>
            TypedResults.Ok(await book.StatsAsync(by, from, to, user, ct))).WithName("TicketStats")
            .WithSummary("Average reaction and handling time (working minutes) and breach rate per group, classification or month (by).");
        tickets.MapGet("/stats/export", async (string? by, DateOnly? from, DateOnly? to, CurrentUser user, TicketBook book, CancellationToken ct) =>
            TypedResults.File(await book.ExportStatsAsync(by, from, to, user, ct), Xlsx, "service-desk-stats.xlsx")).WithName("ExportTicketStats");
        tickets.MapGet("/{id:guid}", async (Guid id, CurrentUser user, TicketBook book, CancellationToken ct) => TypedResults.Ok(await book.GetAsync(id, user, ct))).WithName("GetTicket");
        tickets.MapGet("/{id:guid}/history", async (Guid id, CurrentUser user, TicketBook book, CancellationToken ct) => TypedResults.Ok(await book.HistoryAsync(id, user, ct)))
            .WithName("TicketHistory");
        tickets.MapPost("/{id:guid}/customer-reply", async (Guid id, CustomerReplyRequest request, CurrentUser user, IServiceTicketProcess process, CancellationToken ct) =>
        {
            await process.CustomerRepliedAsync(id, request.Summary, user, ct);
            return TypedResults.NoContent();
        }).WithName("TicketCustomerReplied").WithSummary("The customer answered: the SLA clock runs again (409 when the ticket does not wait for them).");
        tickets.MapPut("/{id:guid}/case", async (Guid id, LinkCaseRequest request, CurrentUser user, TicketLinks links, CancellationToken ct) =>
        {
            await links.LinkCaseAsync(id, request.CaseId, user, ct);
            return TypedResults.NoContent();
        }).WithName("LinkTicketToCase");
        tickets.MapPost("/{id:guid}/complaint", async (Guid id, TurnIntoComplaintRequest request, CurrentUser user, TicketLinks links, CancellationToken ct) =>
        {
            var complaint = await links.TurnIntoComplaintAsync(id, request.Demand, user, ct);
            return TypedResults.Created($"/api/complaints/{complaint.Id}", complaint);
        }).WithName("TurnTicketIntoComplaint");
        app.MapGet("/api/service-settings", async (ServiceSettingsService settings, CancellationToken ct) => TypedResults.Ok(await settings.GetAsync(ct)))
            .WithTags("Service desk").WithName("ServiceSettings");
        app.MapPut("/api/service-settings", async (ServiceSettingsView request, CurrentUser user, ServiceSettingsService settings, CancellationToken ct) =>
            TypedResults.Ok(await settings.SaveAsync(request, user, ct))).WithTags("Service desk").WithName("SaveServiceSettings")
            .WithSummary("Admins: number pattern, score weights, warning share, working hours ('mon 08:00-16:00, …'), days off, classifications, queue group.");
        app.MapGet("/api/sla-policies", async (ServiceSettingsService settings, CancellationToken ct) => TypedResults.Ok(await settings.PoliciesAsync(ct)))
            .WithTags("Service desk").WithName("SlaPolicies");
        app.MapPost("/api/sla-policies", async (SlaPolicyRequest request, CurrentUser user, ServiceSettingsService settings, CancellationToken ct) =>
            TypedResults.Created("/api/sla-policies", await settings.SavePolicyAsync(null, request, user, ct))).WithTags("Service desk").WithName("AddSlaPolicy");
        app.MapPut("/api/sla-policies/{id:guid}", async (Guid id, SlaPolicyRequest request, CurrentUser user, ServiceSettingsService settings, CancellationToken ct) =>
            TypedResults.Ok(await settings.SavePolicyAsync(id, request, user, ct))).WithTags("Service desk").WithName("SaveSlaPolicy");
        app.MapDelete("/api/sla-policies/{id:guid}", async (Guid id, CurrentUser user, ServiceSettingsService settings, CancellationToken ct) =>
        {
            await settings.DeletePolicyAsync(id, user, ct);
            return TypedResults.NoContent();
        }).WithTags("Service desk").WithName("DeleteSlaPolicy");
        return app;
    }
}
