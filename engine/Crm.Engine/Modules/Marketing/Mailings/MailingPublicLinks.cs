using System.Net;
using Crm.Modules.Marketing.Campaigns;
using Crm.Modules.Marketing.Consents;
using Crm.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// The links in a mailing, answered without sign-in: <c>/m/u/{token}</c> unsubscribes (a page with one button, and
/// RFC 8058 one-click POST from mail programs: a link scanner's GET changes nothing), <c>/m/o/{token}</c> (open pixel) and
/// <c>/m/c/{token}</c> (a link of the mailing, then redirect) record only when the mailing has tracking on.
/// </summary>
public static class MailingPublicLinks
{
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapMailingPublicLinks(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/m").AllowAnonymous().ExcludeFromDescription();
        links.MapGet("/u/{token}", async (string token, MailingLinks signer, CrmDbContext db, CancellationToken ct) =>
        {
            if (await RecipientAsync(token, MailingLinks.Unsubscribe, signer, db, ct) is not { } recipient)
            {
                return Page("Link not valid / Link nieważny", "This unsubscribe link is not valid. / Ten link wypisania jest nieważny.", StatusCodes.Status404NotFound);
            }

            var address = WebUtility.HtmlEncode(recipient.Email ?? "");
            return Page("Unsubscribe / Wypisanie", $"""
                <p>Stop marketing e-mail to <b>{address}</b>?<br>Czy zrezygnować z otrzymywania wiadomości marketingowych na <b>{address}</b>?</p>
                <form method="post"><button type="submit" data-testid="unsubscribe" style="font-size:1.1em;padding:.5em 1.5em">Unsubscribe / Wypisz mnie</button></form>
                """);
        });
        links.MapPost("/u/{token}", async (string token, HttpContext http, MailingLinks signer, CrmDbContext db, ConsentLedger consents, CancellationToken ct) =>
        {
            if (await RecipientAsync(token, MailingLinks.Unsubscribe, signer, db, ct) is not { PersonId: { } personId } recipient)
            {
                return Page("Link not valid / Link nieważny", "This unsubscribe link is not valid. / Ten link wypisania jest nieważny.", StatusCodes.Status404NotFound);
            }

            var oneClick = http.Request.HasFormContentType && (await http.Request.ReadFormAsync(ct))["List-Unsubscribe"] == "One-Click";
            await consents.WithdrawByLinkAsync(personId, recipient.Email, recipient.MailingId,
                $"{(oneClick ? "One-click unsubscribe from the mail program" : "Unsubscribe page confirmed")}; mailing recipient {recipient.Id}; from {http.Connection.RemoteIpAddress}", ct);
            var now = DateTimeOffset.UtcNow;
            await db.CampaignMembers.Where(m => m.Id == recipient.MemberId && m.State != MemberState.OptedOut)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MemberState.OptedOut).SetProperty(m => m.StateAt, now), ct);
            return Page("Unsubscribed / Wypisano", "<p data-testid=\"unsubscribed\">You will get no more marketing e-mail from us. / Nie będziesz już otrzymywać od nas wiadomości marketingowych.</p>");
        }).DisableAntiforgery();
        links.MapGet("/o/{token}", async (string token, MailingLinks signer, CrmDbContext db, CancellationToken ct) =>
        {
            if (await RecipientAsync(token, MailingLinks.Open, signer, db, ct) is { } recipient && await TrackedAsync(recipient, db, ct))
            {
                var now = DateTimeOffset.UtcNow;
                await db.MailingRecipients.Where(r => r.Id == recipient.Id && r.OpenedAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.OpenedAt, now), ct);
            }

            return Results.File(Pixel, "image/gif");
        });
        links.MapGet("/c/{token}", async (string token, MailingLinks signer, CrmDbContext db, CancellationToken ct) =>
        {
            var read = signer.Read(token, MailingLinks.Click);
            var recipient = read is { } r ? await db.MailingRecipients.AsNoTracking().SingleOrDefaultAsync(x => x.Id == r.RecipientId, ct) : null;
            var mailing = recipient is null ? null : await db.Mailings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == recipient.MailingId, ct);
            var targets = mailing is null ? [] : MailingComposer.LinksOf(mailing.Body, MailingComposer.ValuesOf(recipient!.Values));
            if (read is not { } link || link.Index < 0 || link.Index >= targets.Count)
            {
                return Page("Link not valid / Link nieważny", "This link is not valid. / Ten link jest nieważny.", StatusCodes.Status404NotFound);
            }

            if (mailing!.Tracking)
            {
                var now = DateTimeOffset.UtcNow;
                await db.MailingRecipients.Where(x => x.Id == recipient!.Id && x.ClickedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClickedAt, now), ct);
            }

            return Results.Redirect(targets[link.Index]);
        });
        return app;
    }

    private static async Task<MailingRecipient?> RecipientAsync(string token, char kind, MailingLinks signer, CrmDbContext db, CancellationToken ct) =>
        signer.Read(token, kind) is { } read ? await db.MailingRecipients.AsNoTracking().SingleOrDefaultAsync(r => r.Id == read.RecipientId, ct) : null;

    private static Task<bool> TrackedAsync(MailingRecipient recipient, CrmDbContext db, CancellationToken ct) =>
        db.Mailings.AnyAsync(m => m.Id == recipient.MailingId && m.Tracking, ct);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content($"""
            <!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
            <body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em"><h1 style="font-size:1.4em">{title}</h1>{body}</body></html>
            """, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
