using Crm.Modules.Counterparties;
using Crm.Modules.Mail;
using Crm.Modules.Marketing.Campaigns;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Crm.Modules.Marketing.Mailings;

public sealed record MailingInput(string? Name, Guid? AccountId, string? Subject, string? Body, int? RatePerMinute, bool Tracking);

public sealed record MailingView(Guid Id, Guid CampaignId, string Name, Guid AccountId, string Subject, string Body, int RatePerMinute, bool Tracking, MailingStatus Status,
    string CreatedBy, DateTimeOffset CreatedAt, string? StartedBy, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, MailingCounts Counts);

public sealed record MailingCounts(int Pending, int Sent, int Failed, int Skipped, int Bounced, int Opened, int Clicked, IReadOnlyDictionary<string, int> SkippedFor);

public sealed record MailingPreview(string To, string Subject, string Text, IReadOnlyList<string> UnknownPlaceholders);

public sealed record RecipientView(Guid Id, Guid CounterpartyId, string CounterpartyName, Guid? PersonId, string? PersonName, string? Email, RecipientState State,
    string? Reason, DateTimeOffset? SentAt, DateTimeOffset? OpenedAt, DateTimeOffset? ClickedAt);

/// <summary>Mailings of a campaign: write, preview for any member, test send to oneself, start, pause, resume, cancel; delivery per recipient.</summary>
public sealed class MailingBook(CrmDbContext db, CampaignBook campaigns, CounterpartyAccess recordAccess, MailAccounts accounts, MailingComposer composer,
    MailingRecipients recipients, Crm.Platform.Identity.UserDirectory users, IOptions<NotificationOptions> notifications, TimeProvider clock)
{
    public async Task<List<MailingView>> ListAsync(Guid campaignId, CurrentUser user, CancellationToken cancellationToken)
    {
        await campaigns.FindAsync(campaignId, user, cancellationToken);
        var list = await db.Mailings.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderBy(m => m.CreatedAt).ToListAsync(cancellationToken);
        var views = new List<MailingView>();
        foreach (var mailing in list)
        {
            views.Add(View(mailing, await CountsAsync(mailing.Id, user, cancellationToken)));
        }

        return views;
    }

    public async Task<MailingView> GetAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindAsync(id, user, cancellationToken);
        return View(mailing, await CountsAsync(id, user, cancellationToken));
    }

    public async Task<MailingView> CreateAsync(Guid campaignId, MailingInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        if ((await campaigns.FindEditableAsync(campaignId, user, cancellationToken)).Status is CampaignStatus.Closed or CampaignStatus.Cancelled)
        {
            throw new ConflictException("A closed campaign takes no new mailings.");
        }

        var mailing = new Mailing { CampaignId = campaignId, Name = "", Subject = "", Body = "", CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        await ApplyAsync(mailing, input, user, cancellationToken);
        db.Mailings.Add(mailing);
        await db.SaveChangesAsync(cancellationToken);
        return View(mailing, await CountsAsync(mailing.Id, user, cancellationToken));
    }

    public async Task<MailingView> UpdateAsync(Guid id, MailingInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindEditableAsync(id, user, cancellationToken);
        if (mailing.Status != MailingStatus.Draft)
        {
            throw new ConflictException("A mailing that started sending does not change: what people received stays as it was.");
        }

        await ApplyAsync(mailing, input, user, cancellationToken);
        mailing.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        return View(mailing, await CountsAsync(id, user, cancellationToken));
    }

    /// <summary>The message as a member (one the caller sees) would get it; the first member when none is named.</summary>
    public async Task<MailingPreview> PreviewAsync(Guid id, Guid? memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindAsync(id, user, cancellationToken);
        var values = await recipients.SampleValuesAsync(mailing, memberId, user, cancellationToken);
        return new MailingPreview(values.GetValueOrDefault("person.email") ?? "", MailingComposer.Fill(mailing.Subject, values), MailingComposer.Fill(mailing.Body, values),
            [.. MailingComposer.Unknown(mailing.Subject + " " + mailing.Body)]);
    }

    /// <summary>Sends the message as the first (or a named) member would get it to the caller's own address, now, marked as a test.</summary>
    public async Task<string> TestSendAsync(Guid id, Guid? memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindEditableAsync(id, user, cancellationToken);
        var me = await users.FindAsync(user.Id, cancellationToken);
        if (string.IsNullOrWhiteSpace(me?.Email))
        {
            throw ValidationFailedException.For("email", "Your user has no e-mail address: ask an admin to add one, then send the test again.");
        }

        if (!await accounts.MayUseAsync(mailing.AccountId, user, cancellationToken))
        {
            throw ValidationFailedException.For("accountId", "You may not send from this mailing's account.");
        }

        var values = await recipients.SampleValuesAsync(mailing, memberId, user, cancellationToken);
        var sample = new MailingRecipient { MailingId = mailing.Id, Email = me.Email, Values = MailingComposer.ValuesJson(values), MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId() };
        var (smtp, from) = await accounts.OpenSmtpAsync(mailing.AccountId, cancellationToken);
        using (smtp)
        {
            var message = composer.Compose(mailing, sample, from, new Uri(notifications.Value.BaseUrl));
            message.Subject = "[TEST] " + message.Subject;
            message.To.Clear();
            message.To.Add(new MailboxAddress(me.DisplayName, me.Email));
            await smtp.SendAsync(message, cancellationToken);
            await smtp.DisconnectAsync(true, cancellationToken);
        }

        return me.Email;
    }

    public async Task<MailingView> StartAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindEditableAsync(id, user, cancellationToken);
        if (mailing.Status != MailingStatus.Draft)
        {
            throw new ConflictException("This mailing was started already.");
        }

        // The budget was approved (four eyes) before anything goes out: a draft campaign's mailings start with its launch.
        if (await db.Campaigns.Where(c => c.Id == mailing.CampaignId).Select(c => c.Status).SingleAsync(cancellationToken) != CampaignStatus.Running)
        {
            throw new ConflictException("Start the campaign first: once its budget is approved, its planned mailings go out and others can be sent from here.");
        }

        if (!await accounts.MayUseAsync(mailing.AccountId, user, cancellationToken))
        {
            throw ValidationFailedException.For("accountId", "You may not send from this mailing's account.");
        }

        await recipients.StartAsync(mailing, user.UserName, cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    public async Task<MailingView> SetStatusAsync(Guid id, MailingStatus status, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await FindEditableAsync(id, user, cancellationToken);
        var allowed = (mailing.Status, status) switch
        {
            (MailingStatus.Sending, MailingStatus.Paused) or (MailingStatus.Paused, MailingStatus.Sending) => true,
            (MailingStatus.Sending or MailingStatus.Paused or MailingStatus.Draft, MailingStatus.Cancelled) => true,
            _ => false,
        };
        if (!allowed)
        {
            throw new ConflictException($"A mailing that is {mailing.Status.ToString().ToLowerInvariant()} cannot become {status.ToString().ToLowerInvariant()}.");
        }

        mailing.Status = status;
        mailing.FinishedAt = status == MailingStatus.Cancelled ? clock.GetUtcNow() : null;
        mailing.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(id, user, cancellationToken);
    }

    /// <summary>Recipients of counterparties the caller sees, at most 1 000, by state.</summary>
    public async Task<List<RecipientView>> RecipientsAsync(Guid id, RecipientState? state, CurrentUser user, CancellationToken cancellationToken)
    {
        await FindAsync(id, user, cancellationToken);
        var visible = recordAccess.Visible(db.Counterparties, user);
        var query = db.MailingRecipients.AsNoTracking().Where(r => r.MailingId == id && visible.Any(c => c.Id == r.CounterpartyId));
        if (state is { } s)
        {
            query = query.Where(r => r.State == s);
        }

        return await query.OrderBy(r => r.Id).Take(1000)
            .Select(r => new RecipientView(r.Id, r.CounterpartyId, db.Counterparties.Where(c => c.Id == r.CounterpartyId).Select(c => c.Name).First(), r.PersonId,
                db.Persons.Where(p => p.Id == r.PersonId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault(), r.Email, r.State, r.Reason, r.SentAt, r.OpenedAt, r.ClickedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Delivery counts over the recipients of counterparties the caller sees.</summary>
    public async Task<MailingCounts> CountsAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var visible = recordAccess.Visible(db.Counterparties, user).Select(c => c.Id);
        var rows = db.MailingRecipients.AsNoTracking().Where(r => r.MailingId == id && visible.Contains(r.CounterpartyId));
        var states = await rows.GroupBy(r => r.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var skipped = await rows.Where(r => r.State == RecipientState.Skipped).GroupBy(r => r.Reason)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var opened = await rows.CountAsync(r => r.OpenedAt != null, cancellationToken);
        var clicked = await rows.CountAsync(r => r.ClickedAt != null, cancellationToken);
        int Of(params RecipientState[] wanted) => states.Where(s => wanted.Contains(s.Key)).Sum(s => s.Count);
        return new MailingCounts(Of(RecipientState.Pending, RecipientState.Sending), Of(RecipientState.Sent, RecipientState.Bounced), Of(RecipientState.Failed),
            Of(RecipientState.Skipped), Of(RecipientState.Bounced), opened, clicked, skipped.ToDictionary(s => s.Key ?? "", s => s.Count));
    }

    private async Task<Mailing> FindAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await db.Mailings.SingleOrDefaultAsync(m => m.Id == id, cancellationToken) ?? throw new NotFoundException($"Mailing {id} does not exist.");
        await campaigns.FindAsync(mailing.CampaignId, user, cancellationToken);
        return mailing;
    }

    private async Task<Mailing> FindEditableAsync(Guid id, CurrentUser user, CancellationToken cancellationToken)
    {
        var mailing = await db.Mailings.SingleOrDefaultAsync(m => m.Id == id, cancellationToken) ?? throw new NotFoundException($"Mailing {id} does not exist.");
        await campaigns.FindEditableAsync(mailing.CampaignId, user, cancellationToken);
        return mailing;
    }

    private async Task ApplyAsync(Mailing mailing, MailingInput input, CurrentUser user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200) errors["name"] = ["Give the mailing a name (at most 200 characters)."];
        if (string.IsNullOrWhiteSpace(input.Subject) || input.Subject.Length > 900) errors["subject"] = ["Give a subject of at most 900 characters."];
        if (string.IsNullOrWhiteSpace(input.Body) || input.Body.Length > 100_000) errors["body"] = ["Write the text (at most 100 000 characters)."];
        else if (MailingComposer.Unknown(input.Subject + " " + input.Body) is { Count: > 0 } unknown)
        {
            errors["body"] = [$"Unknown placeholders: {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}. Use: {string.Join(", ", MailingComposer.Placeholders.Select(p => "{{" + p + "}}"))}."];
        }

        if (input.RatePerMinute is < 0 or > 10_000) errors["ratePerMinute"] = ["Send 0 (no limit) to 10 000 messages per minute."];
        if (input.AccountId is not { } accountId || !await accounts.MayUseAsync(accountId, user, cancellationToken)) errors["accountId"] = ["Choose an account with SMTP you may send from."];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        (mailing.Name, mailing.AccountId, mailing.Subject, mailing.Body) = (input.Name!.Trim(), input.AccountId!.Value, input.Subject!.Trim(), input.Body!);
        (mailing.RatePerMinute, mailing.Tracking) = (input.RatePerMinute ?? 60, input.Tracking);
    }

    private static MailingView View(Mailing m, MailingCounts counts) =>
        new(m.Id, m.CampaignId, m.Name, m.AccountId, m.Subject, m.Body, m.RatePerMinute, m.Tracking, m.Status, m.CreatedBy, m.CreatedAt, m.StartedBy, m.StartedAt, m.FinishedAt, counts);
}
