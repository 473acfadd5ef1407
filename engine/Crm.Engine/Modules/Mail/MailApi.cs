using Crm.Platform.Common;
using Crm.Workflow.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Crm.Modules.Mail;

/// <summary>Mail over HTTP: accounts (admins), the unassigned inbox, the outbox, sending.</summary>
public static class MailApi
{
    public static IEndpointRouteBuilder MapMailApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/mail-accounts").WithTags("Mail");
        admin.MapGet("/", (CurrentUser user, MailAccounts accounts, CancellationToken ct) => accounts.ListAsync(user, ct))
            .WithName("ListMailAccounts").WithSummary("Mail accounts (admins); the password is never returned, only whether one is set.");
        admin.MapGet("/{id:guid}", (Guid id, CurrentUser user, MailAccounts accounts, CancellationToken ct) => accounts.GetAsync(id, user, ct))
            .WithName("GetMailAccount");
        admin.MapPost("/", async (MailAccountInput input, CurrentUser user, MailAccounts accounts, CancellationToken ct) =>
            {
                var created = await accounts.CreateAsync(input, user, ct);
                return TypedResults.Created($"/api/admin/mail-accounts/{created.Id}", created);
            })
            .WithName("CreateMailAccount").WithSummary("Adds a shared (group) or personal (owner) account with IMAP and/or SMTP; the password is stored encrypted.");
        admin.MapPut("/{id:guid}", (Guid id, MailAccountInput input, CurrentUser user, MailAccounts accounts, CancellationToken ct) => accounts.UpdateAsync(id, input, user, ct))
            .WithName("UpdateMailAccount").WithSummary("Changes an account; an empty password keeps the stored one.");
        admin.MapDelete("/{id:guid}", async (Guid id, CurrentUser user, MailAccounts accounts, CancellationToken ct) =>
            {
                await accounts.ArchiveAsync(id, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("ArchiveMailAccount").WithSummary("Stops using an account; its mail and documents stay.");
        admin.MapPost("/{id:guid}/check", (Guid id, CurrentUser user, MailAccounts accounts, CancellationToken ct) => accounts.CheckAsync(id, user, ct))
            .WithName("CheckMailAccount").WithSummary("Signs in to the IMAP and SMTP servers and says what they answered.");
        admin.MapPost("/{id:guid}/import", async (Guid id, CurrentUser user, MailAccounts accounts, MailImport import, CancellationToken ct) =>
            {
                if ((await accounts.GetAsync(id, user, ct)).ImapHost is null)   // admins only
                {
                    throw ValidationFailedException.For("imapHost", "This account has no IMAP server: there is nothing to import.");
                }

                return TypedResults.Ok(await import.RunAsync(id, ct));
            })
            .WithName("ImportMailNow").WithSummary("Runs the account's import now (skipped when another node is importing it).");

        var mail = app.MapGroup("/api/mail").WithTags("Mail");
        mail.MapGet("/accounts", (CurrentUser user, MailAccounts accounts, CancellationToken ct) => accounts.UsableAsync(user, ct))
            .WithName("MyMailAccounts").WithSummary("The accounts the caller may send from and whose unassigned mail they handle.");
        mail.MapGet("/messages", (string? show, Guid? accountId, CurrentUser user, MailBook book, CancellationToken ct) => book.ListAsync(show, accountId, user, ct))
            .WithName("ListMail").WithSummary("show=unassigned (default), filed, outbox, sent or dismissed; mail of the accounts the caller uses, newest first, at most 200.");
        mail.MapGet("/messages/{id:guid}", (Guid id, CurrentUser user, MailBook book, CancellationToken ct) => book.GetAsync(id, user, ct))
            .WithName("GetMail").WithSummary("One mail with its text, documents and filing.");
        mail.MapPost("/messages/{id:guid}/assign", (Guid id, AssignMail input, CurrentUser user, MailBook book, CancellationToken ct) => book.AssignAsync(id, input, user, ct))
            .WithName("AssignMail").WithSummary("Files an unassigned mail on a company (and a person and case of it) as an e-mail activity with its documents.");
        mail.MapPost("/messages/{id:guid}/dismiss", async (Guid id, CurrentUser user, MailBook book, CancellationToken ct) =>
            {
                await book.DismissAsync(id, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("DismissMail").WithSummary("Sets an unassigned mail aside.");
        mail.MapPost("/messages/{id:guid}/retry", async (Guid id, CurrentUser user, MailBook book, CancellationToken ct) =>
            {
                await book.RetryAsync(id, user, ct);
                return TypedResults.NoContent();
            })
            .WithName("RetryMail").WithSummary("Queues a mail that failed to send again.");
        mail.MapPost("/send", async (ComposeMail input, CurrentUser user, MailOutbox outbox, HttpContext http, CancellationToken ct) =>
            {
                var queued = await outbox.QueueAsync(input, user, AccessContext.From(http), ct);
                return TypedResults.Accepted($"/api/mail/messages/{queued.Id}", queued);
            })
            .WithName("SendMail").WithSummary("Queues a mail from an account the caller uses, filed on a company/person/case, with DMS documents attached (download right, register row); the worker sends it.");
        return app;
    }
}
