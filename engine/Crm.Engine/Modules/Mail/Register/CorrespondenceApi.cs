using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Mail.Register;

/// <summary>The correspondence register over HTTP.</summary>
public static class CorrespondenceApi
{
    public static IEndpointRouteBuilder MapCorrespondenceApi(this IEndpointRouteBuilder app)
    {
        var register = app.MapGroup("/api/correspondence").WithTags("Correspondence register");
        register.MapGet("/", (string? direction, DateOnly? from, DateOnly? to, Guid? counterpartyId, string? department, string? text, bool? awaitingAnswer, CurrentUser user, CorrespondenceRegister book, CancellationToken ct) =>
                book.ListAsync(new RegisterQuery(direction, from, to, counterpartyId, department, text, awaitingAnswer ?? false), user, ct))
            .WithName("ListCorrespondence").WithSummary("Register entries the caller sees (their departments', their own; admins and compliance all), newest first, filtered.");
        register.MapGet("/export", async (string? direction, DateOnly? from, DateOnly? to, Guid? counterpartyId, string? department, string? text, bool? awaitingAnswer, string? columns,
                CurrentUser user, CorrespondenceRegister book, CancellationToken ct) =>
            {
                var bytes = await book.ExportAsync(new RegisterQuery(direction, from, to, counterpartyId, department, text, awaitingAnswer ?? false),
                    columns?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), user, ct);
                return TypedResults.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "correspondence.xlsx");
            })
            .WithName("ExportCorrespondence").WithSummary("The filtered register as an Excel workbook (columns=number,date,... to choose).");
        register.MapPost("/", async (RegisterEntryInput input, CurrentUser user, CorrespondenceRegister book, CancellationToken ct) =>
            {
                var row = await book.RegisterAsync(input, user, ct);
                return TypedResults.Created($"/api/correspondence/{row.Id}", row);
            })
            .WithName("RegisterCorrespondence").WithSummary("Registers a letter: the next number of its direction and year (KP/2026/000001 incoming, KW/... outgoing).");
        register.MapPost("/from-mail/{mailId:guid}", async (Guid mailId, FromMailInput? input, CurrentUser user, CorrespondenceRegister book, CancellationToken ct) =>
            {
                var row = await book.RegisterMailAsync(mailId, input?.Department, input?.AnswerDeadline, user, ct);
                return TypedResults.Created($"/api/correspondence/{row.Id}", row);
            })
            .WithName("RegisterMail").WithSummary("Registers an imported or sent mail in one click (its .eml and attachments as the entry's documents).");
        return app;
    }

    public sealed record FromMailInput(string? Department, DateOnly? AnswerDeadline);
}
