using Crm.Modules.Counterparties;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Crm.Modules.Mail;

/// <summary>Where a mail belongs and how that was found.</summary>
public sealed record MailMatch(MailFilingTarget Target, string MatchedBy);

/// <summary>
/// Finds where an incoming mail belongs, most certain first: the thread (a reply to a mail we filed), a case number in
/// the subject, the sender as a contact person (one company), the sender's company domain. Nothing found: the
/// unassigned-mail inbox.
/// </summary>
public sealed class MailMatching(CrmDbContext db, Correspondents correspondents)
{
    public async Task<MailMatch?> MatchAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var thread = ThreadIds(message);
        if (thread.Count > 0)
        {
            var earlier = await db.MailMessages.AsNoTracking()
                .Where(m => m.MessageIdHeader != null && thread.Contains(m.MessageIdHeader) && m.CounterpartyId != null)
                .OrderByDescending(m => m.Date).Select(m => new { m.CounterpartyId, m.PersonId, m.CaseId }).FirstOrDefaultAsync(cancellationToken);
            if (earlier is not null)
            {
                return new MailMatch(new MailFilingTarget(earlier.CounterpartyId!.Value, earlier.PersonId, earlier.CaseId), "thread");
            }
        }

        // A case number in the subject ("[SPR/2026/12]"): the sender wrote about that case.
        foreach (var number in Crm.Modules.Counterparties.Cases.CaseNumbers.Find(message.Subject))
        {
            if (await correspondents.CaseByNumberAsync(number, cancellationToken) is { } onCase)
            {
                return new MailMatch(onCase, "case-number");
            }
        }

        var senders = message.From.Mailboxes.Select(m => m.Address).Concat(message.ReplyTo.Mailboxes.Select(m => m.Address)).ToList();
        var persons = await correspondents.ByAddressAsync(senders, cancellationToken);
        var companies = persons.Where(p => p.CounterpartyId is not null).Select(p => p.CounterpartyId!.Value).Distinct().ToList();
        if (companies.Count == 1)
        {
            var ofCompany = persons.Where(p => p.CounterpartyId == companies[0]).ToList();
            return new MailMatch(new MailFilingTarget(companies[0], ofCompany.Count == 1 ? ofCompany[0].PersonId : null, null), "person");
        }

        if (companies.Count == 0 && message.From.Mailboxes.FirstOrDefault() is { } from && await correspondents.ByDomainAsync(from.Address, cancellationToken) is { } company)
        {
            return new MailMatch(new MailFilingTarget(company, null, null), "domain");
        }

        return null;   // several companies share the address, or nobody knows it: staff decide
    }

    /// <summary>The Message-IDs this mail answers (In-Reply-To and References), without angle brackets.</summary>
    public static List<string> ThreadIds(MimeMessage message)
    {
        var ids = new List<string>();
        if (!string.IsNullOrWhiteSpace(message.InReplyTo))
        {
            ids.Add(message.InReplyTo.Trim('<', '>', ' '));
        }

        ids.AddRange(message.References.Select(r => r.Trim('<', '>', ' ')));
        return [.. ids.Where(i => i.Length is > 0 and <= 1000).Distinct().Take(50)];
    }
}
