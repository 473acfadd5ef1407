using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Marketing.Mailings;

public sealed record TestSendInput(Guid? MemberId);

/// <summary>Mailings over HTTP.</summary>
public static class MailingApi
{
    public static IEndpointRouteBuilder MapMailingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns/{campaignId:guid}/mailings", (Guid campaignId, CurrentUser user, MailingBook book, CancellationToken ct) => book.ListAsync(campaignId, user, ct))
            .WithTags("Mailings").WithName("ListMailings");
        app.MapPost("/api/campaigns/{campaignId:guid}/mailings", async (Guid campaignId, MailingInput input, CurrentUser user, MailingBook book, CancellationToken ct) =>
            {
                var created = await book.CreateAsync(campaignId, input, user, ct);
                return TypedResults.Created($"/api/mailings/{created.Id}", created);
            })
            .WithTags("Mailings").WithName("CreateMailing").WithSummary("A personalised mailing ({{person.firstName}} ...) from an account the caller may send from.");
        var group = app.MapGroup("/api/mailings").WithTags("Mailings");
        group.MapGet("/{id:guid}", (Guid id, CurrentUser user, MailingBook book, CancellationToken ct) => book.GetAsync(id, user, ct)).WithName("GetMailing");
        group.MapPut("/{id:guid}", (Guid id, MailingInput input, CurrentUser user, MailingBook book, CancellationToken ct) => book.UpdateAsync(id, input, user, ct))
            .WithName("UpdateMailing").WithSummary("Changes a draft.");
        group.MapGet("/{id:guid}/preview", (Guid id, Guid? memberId, CurrentUser user, MailingBook book, CancellationToken ct) => book.PreviewAsync(id, memberId, user, ct))
            .WithName("PreviewMailing").WithSummary("The message as a member would get it (the first one when none is named).");
        group.MapPost("/{id:guid}/test", async (Guid id, TestSendInput input, CurrentUser user, MailingBook book, CancellationToken ct) =>
                TypedResults.Ok(new { sentTo = await book.TestSendAsync(id, input.MemberId, user, ct) }))
            .WithName("TestSendMailing").WithSummary("Sends the message to the caller's own address now, marked [TEST].");
        group.MapPost("/{id:guid}/start", (Guid id, CurrentUser user, MailingBook book, CancellationToken ct) => book.StartAsync(id, user, ct))
            .WithName("StartMailing").WithSummary("Makes the recipient list (consent, invalid and missing addresses skipped and counted) and starts sending at the mailing's rate.");
        group.MapPost("/{id:guid}/pause", (Guid id, CurrentUser user, MailingBook book, CancellationToken ct) => book.SetStatusAsync(id, MailingStatus.Paused, user, ct)).WithName("PauseMailing");
        group.MapPost("/{id:guid}/resume", (Guid id, CurrentUser user, MailingBook book, CancellationToken ct) => book.SetStatusAsync(id, MailingStatus.Sending, user, ct)).WithName("ResumeMailing");
        group.MapPost("/{id:guid}/cancel", (Guid id, CurrentUser user, MailingBook book, CancellationToken ct) => book.SetStatusAsync(id, MailingStatus.Cancelled, user, ct)).WithName("CancelMailing");
        group.MapGet("/{id:guid}/recipients", (Guid id, RecipientState? state, CurrentUser user, MailingBook book, CancellationToken ct) => book.RecipientsAsync(id, state, user, ct))
            .WithName("MailingRecipients").WithSummary("Delivery per recipient (counterparties the caller sees; at most 1 000).");
        return app;
    }
}
