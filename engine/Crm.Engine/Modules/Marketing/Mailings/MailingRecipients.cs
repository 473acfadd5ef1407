using Crm.Modules.Counterparties;
using Crm.Modules.Marketing.Campaigns;
using Crm.Modules.Marketing.Consents;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// The recipient list of a mailing, made when it starts: one row per campaign member (opted-out members left out),
/// each with its address and placeholder values, or skipped with the reason (no person or address, an invalid
/// address, the same address twice, no current marketing-e-mail consent). Skipped ones are counted, not sent.
/// </summary>
public sealed class MailingRecipients(CrmDbContext db, ConsentLedger consents, CounterpartyAccess recordAccess, Crm.Modules.Mail.MailAccounts accounts, TimeProvider clock)
{
    private sealed record Row(Guid MemberId, Guid CounterpartyId, Guid? PersonId, string CompanyName, string? City, string? FirstName, string? LastName, string? Email, string? Gender);

    /// <summary>Makes the list and starts sending, in one commit of its own (a person's click).</summary>
    public async Task StartAsync(Mailing mailing, string by, CancellationToken cancellationToken)
    {
        await PrepareAsync(mailing, by, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("This mailing was started already.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Adds the list and the status change to the context without saving: inside a process step (the campaign's launch)
    /// the step's commit saves them with everything else; the mailing's revision makes a second start fail whole.
    /// </summary>
    public async Task PrepareAsync(Mailing mailing, string by, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == mailing.CampaignId, cancellationToken);
        var rows = await RowsAsync(db.CampaignMembers.Where(m => m.CampaignId == mailing.CampaignId && m.State != MemberState.OptedOut), cancellationToken);
        var consenting = await consents.CurrentAsync([.. rows.Where(r => r.PersonId is not null).Select(r => r.PersonId!.Value)], ConsentPurposes.MarketingEmail, cancellationToken);
        var emails = rows.Select(r => r.Email?.Trim().ToLowerInvariant()).Where(e => e is not null).Distinct().ToList();
        var invalid = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in emails.Chunk(1000))
        {
            invalid.UnionWith(await db.InvalidAddresses.AsNoTracking().Where(a => chunk.Contains(a.Email)).Select(a => a.Email).ToListAsync(cancellationToken));
        }

        var domain = await accounts.AddressAsync(mailing.AccountId, cancellationToken);
        domain = domain[(domain.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var now = clock.GetUtcNow();
        foreach (var row in rows)
        {
            var email = row.Email?.Trim().ToLowerInvariant();   // compared with the invalid-address list and bounces, which are lower case
            var reason = row.PersonId is null || string.IsNullOrEmpty(email) || !email.Contains('@', StringComparison.Ordinal) ? "no-address"
                : invalid.Contains(email) ? "invalid-address"
                : !consenting.Contains(row.PersonId.Value) ? "no-consent"
                : !seen.Add(email) ? "duplicate-address"
                : null;
            var id = Guid.CreateVersion7();
            db.MailingRecipients.Add(new MailingRecipient
            {
                Id = id, MailingId = mailing.Id, MemberId = row.MemberId, CounterpartyId = row.CounterpartyId, PersonId = row.PersonId, Email = email,
                State = reason is null ? RecipientState.Pending : RecipientState.Skipped, Reason = reason, NextAttemptAt = now,
                Values = reason is null ? MailingComposer.ValuesJson(Values(row, campaign.Name)) : null, MessageId = $"{id:N}.mailing@{domain}",
            });
        }

        (mailing.Status, mailing.StartedAt, mailing.StartedBy) = (MailingStatus.Sending, now, by);
        mailing.Revision++;
    }

    public async Task<Dictionary<string, string?>> SampleValuesAsync(Mailing mailing, Guid? memberId, CurrentUser user, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == mailing.CampaignId, cancellationToken);
        var visible = recordAccess.Visible(db.Counterparties, user);
        var members = db.CampaignMembers.Where(m => m.CampaignId == mailing.CampaignId && visible.Any(c => c.Id == m.CounterpartyId));
        members = memberId is { } id ? members.Where(m => m.Id == id) : members.OrderBy(m => m.PersonId == null).ThenBy(m => m.Id).Take(1);
        var rows = await RowsAsync(members, cancellationToken);
        return rows.Count == 0
            ? memberId is null ? Values(new Row(Guid.Empty, Guid.Empty, null, "Przykładowa Sp. z o.o.", "Warszawa", "Anna", "Nowak", "anna@example.com", "female"), campaign.Name)
                : throw new NotFoundException($"Member {memberId} is not on this campaign or not visible to you.")
            : Values(rows[0], campaign.Name);
    }

    private async Task<List<Row>> RowsAsync(IQueryable<CampaignMember> members, CancellationToken cancellationToken) =>
        await (from m in members
               join c in db.Counterparties on m.CounterpartyId equals c.Id
               from p in db.Persons.Where(p => p.Id == m.PersonId).DefaultIfEmpty()
               orderby m.Id
               select new Row(m.Id, m.CounterpartyId, m.PersonId, c.Name, c.Addresses.OrderBy(a => a.Kind).Select(a => a.City).FirstOrDefault(),
                   p == null ? null : p.FirstName, p == null ? null : p.LastName, p == null ? null : p.Email, p == null ? null : p.Gender))
            .ToListAsync(cancellationToken);

    private static Dictionary<string, string?> Values(Row row, string campaign) => new()
    {
        ["person.firstName"] = row.FirstName,
        ["person.lastName"] = row.LastName,
        ["person.name"] = row.FirstName is null ? null : $"{row.FirstName} {row.LastName}",
        ["person.email"] = row.Email,
        ["person.salutation"] = row.Gender switch
        {
            "female" => $"Szanowna Pani {row.LastName}",
            "male" => $"Szanowny Panie {row.LastName}",
            _ => "Szanowni Państwo",
        },
        ["counterparty.name"] = row.CompanyName,
        ["counterparty.city"] = row.City,
        ["campaign.name"] = campaign,
    };
}
