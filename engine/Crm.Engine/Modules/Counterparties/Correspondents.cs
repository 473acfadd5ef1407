#pragma warning disable CA1304, CA1311, CA1862 // these expressions become SQL lower(): .NET culture rules do not apply
using Crm.Modules.Counterparties.Cases;
using Crm.Platform.Access;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Counterparties;

/// <summary>Who an e-mail address belongs to: a contact person and their company.</summary>
[ModuleContract]
public sealed record Correspondent(Guid PersonId, Guid? CounterpartyId, string Name, string Email);

/// <summary>Where a mail is filed: a company, optionally a person and a case of that company.</summary>
[ModuleContract]
public sealed record MailFilingTarget(Guid CounterpartyId, Guid? PersonId, Guid? CaseId);

/// <summary>Names for a filing target, for lists (empty parts are null).</summary>
[ModuleContract]
public sealed record FilingNames(string? Counterparty, string? Person, string? Case);

/// <summary>
/// What the mail module needs of the CRM: finding persons and companies by address, checking that a target is
/// visible to the person filing, and recording an e-mail as an activity with its documents, in the caller's unit of work.
/// </summary>
[ModuleContract]
public sealed class Correspondents(CrmDbContext db, CounterpartyAccess recordAccess, TimeProvider clock)
{
    /// <summary>Mail providers anyone can use: a shared domain says nothing about the company.</summary>
    private static readonly HashSet<string> PublicDomains = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.com", "gmx.de", "wp.pl", "o2.pl", "onet.pl", "op.pl", "interia.pl", "poczta.fm", "tlen.pl", "vp.pl", "gazeta.pl", "int.pl",
    };

    /// <summary>Persons whose main or additional e-mail is one of the addresses (the product's own view: an import runs for nobody).</summary>
    public async Task<List<Correspondent>> ByAddressAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        var wanted = addresses.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length is > 0 and <= 320).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var main = await db.Persons.AsNoTracking().Where(p => p.Email != null && wanted.Contains(p.Email.ToLower()))
            .Select(p => new Correspondent(p.Id, p.CounterpartyId, p.FirstName + " " + p.LastName, p.Email!)).ToListAsync(cancellationToken);
        var more = await db.Set<PersonContact>().AsNoTracking().Where(c => c.Kind == "email" && wanted.Contains(c.Value.ToLower()))
            .Join(db.Persons, c => c.PersonId, p => p.Id, (c, p) => new Correspondent(p.Id, p.CounterpartyId, p.FirstName + " " + p.LastName, c.Value)).ToListAsync(cancellationToken);
        return [.. main.Concat(more).DistinctBy(c => c.PersonId)];
    }

    /// <summary>The one active company whose persons use this (non-public) domain; null when none or several do.</summary>
    public async Task<Guid?> ByDomainAsync(string address, CancellationToken cancellationToken)
    {
        var at = address.LastIndexOf('@');
        var domain = at < 0 ? "" : address[(at + 1)..].Trim().ToLowerInvariant();
        if (domain.Length < 3 || PublicDomains.Contains(domain))
        {
            return null;
        }

        var suffix = "@" + domain;
        var companies = await db.Persons.AsNoTracking().Where(p => p.Email != null && p.CounterpartyId != null && p.Email.ToLower().EndsWith(suffix))
            .Select(p => p.CounterpartyId!.Value).Distinct().Take(2).ToListAsync(cancellationToken);
        if (companies.Count != 1)
        {
            return null;
        }

        return await db.Counterparties.AnyAsync(c => c.Id == companies[0] && !c.Archived, cancellationToken) ? companies[0] : null;
    }

    /// <summary>Who looks after the company (the employee of an activity that came in through a shared mailbox).</summary>
    public Task<string?> OwnerOfAsync(Guid counterpartyId, CancellationToken cancellationToken) =>
        db.Counterparties.AsNoTracking().Where(c => c.Id == counterpartyId).Select(c => c.Owner).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The company, person and case a case number (SPR/2026/12) names; null when no case with a company has it.</summary>
    public async Task<MailFilingTarget?> CaseByNumberAsync(string number, CancellationToken cancellationToken) =>
        await db.Cases.AsNoTracking().Where(c => c.Number == number && c.CounterpartyId != null)
            .Select(c => new MailFilingTarget(c.CounterpartyId!.Value, c.PersonId, c.Id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The case's number, for a mail's subject.</summary>
    public Task<string?> CaseNumberAsync(Guid caseId, CancellationToken cancellationToken) =>
        db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Number).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The case's company, when the case exists and has one.</summary>
    public Task<Guid?> CounterpartyOfCaseAsync(Guid caseId, CancellationToken cancellationToken) =>
        db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.CounterpartyId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Checks that the user may see the company and the person and case named with it, and that they belong to it
    /// (a mail filed on a company may not point at another company's case). 404 for what the user cannot see.
    /// </summary>
    public async Task RequireVisibleAsync(MailFilingTarget target, CurrentUser user, CancellationToken cancellationToken)
    {
        if (!await recordAccess.Visible(db.Counterparties, user).AnyAsync(c => c.Id == target.CounterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {target.CounterpartyId} does not exist.");
        }

        if (target.PersonId is { } personId && !await PersonAccess.Visible(db, recordAccess, user).AnyAsync(p => p.Id == personId && (p.CounterpartyId == target.CounterpartyId || p.CounterpartyId == null), cancellationToken))
        {
            throw new NotFoundException($"Person {personId} does not exist at this counterparty.");
        }

        if (target.CaseId is { } caseId && !await CaseAccess.Visible(db, recordAccess, user).AnyAsync(c => c.Id == caseId && c.CounterpartyId == target.CounterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Case {caseId} does not exist at this counterparty.");
        }
    }

    /// <summary>For a mail a process sends with no user behind the step: the company exists and the person and case are its own.</summary>
    public async Task RequireExistsAsync(MailFilingTarget target, CancellationToken cancellationToken)
    {
        if (!await db.Counterparties.AnyAsync(c => c.Id == target.CounterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Counterparty {target.CounterpartyId} does not exist.");
        }

        if (target.PersonId is { } personId && !await db.Persons.AnyAsync(p => p.Id == personId && p.CounterpartyId == target.CounterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Person {personId} does not exist at this counterparty.");
        }

        if (target.CaseId is { } caseId && !await db.Cases.AnyAsync(c => c.Id == caseId && c.CounterpartyId == target.CounterpartyId, cancellationToken))
        {
            throw new NotFoundException($"Case {caseId} does not exist at this counterparty.");
        }
    }

    /// <summary>Companies the user sees among these ids (a mail list shows a filing only to those who see the company).</summary>
    public async Task<HashSet<Guid>> VisibleOfAsync(IReadOnlyCollection<Guid> counterpartyIds, CurrentUser user, CancellationToken cancellationToken) =>
        counterpartyIds.Count == 0 ? [] :
        [.. await recordAccess.Visible(db.Counterparties, user).Where(c => counterpartyIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)];

    /// <summary>The names to show for filings (the caller has filtered them by visibility).</summary>
    public async Task<Dictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var names = new Dictionary<Guid, string>();
        if (ids.Count == 0)
        {
            return names;
        }

        foreach (var c in await db.Counterparties.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
        {
            names[c.Id] = c.Name;
        }

        foreach (var p in await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, Name = p.FirstName + " " + p.LastName }).ToListAsync(cancellationToken))
        {
            names[p.Id] = p.Name;
        }

        foreach (var c in await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Title }).ToListAsync(cancellationToken))
        {
            names[c.Id] = c.Title;
        }

        return names;
    }

    /// <summary>Records a generated letter as a done, outgoing letter activity of the company with the document (no commit).</summary>
    public Guid FileLetter(MailFilingTarget target, DateTimeOffset at, string employee, string title, Guid documentId)
    {
        var activity = new Activity
        {
            Type = ActivityType.Letter, Direction = "out", At = at, Employee = employee.Length > 100 ? employee[..100] : employee, CounterpartyId = target.CounterpartyId,
            PersonId = target.PersonId, CaseId = target.CaseId, Subject = title.Length > 300 ? title[..300] : title, Status = ActivityStatus.Done,
        };
        db.Activities.Add(activity);
        db.Add(new ActivityDocument { ActivityId = activity.Id, DocumentId = documentId, LinkedBy = activity.Employee, LinkedAt = at });
        return activity.Id;
    }

    /// <summary>Records the mail as a done e-mail activity of the company with its documents (no commit: it lands with the mail row).</summary>
    public Guid FileEmail(MailFilingTarget target, string direction, DateTimeOffset at, string employee, string subject, string? summary, IReadOnlyCollection<Guid> documentIds)
    {
        var activity = new Activity
        {
            Type = ActivityType.Email, Direction = direction, At = at, Employee = employee, CounterpartyId = target.CounterpartyId, PersonId = target.PersonId, CaseId = target.CaseId,
            Subject = string.IsNullOrWhiteSpace(subject) ? "(no subject)" : subject.Length > 300 ? subject[..300] : subject,
            Description = summary, Status = ActivityStatus.Done,
        };
        db.Activities.Add(activity);
        db.AddRange(documentIds.Distinct().Select(d => new ActivityDocument { ActivityId = activity.Id, DocumentId = d, LinkedBy = employee, LinkedAt = clock.GetUtcNow() }));
        return activity.Id;
    }
}
