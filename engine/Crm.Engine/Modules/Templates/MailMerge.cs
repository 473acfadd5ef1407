using Crm.Modules.Counterparties;
using Crm.Modules.Mail;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;

namespace Crm.Modules.Templates;

/// <summary>A merge's e-mail part: each letter goes to the company's first person with an e-mail, from this account.</summary>
public sealed record MergeMail(Guid AccountId, string? Subject, string? Body);

public sealed record MailMergeRequest(Guid TemplateId, IReadOnlyList<Guid> CounterpartyIds, Guid? FolderId, bool Pdf, MergeMail? Mail);

public sealed record MergeProgress(int Done, int Total, string? Current);

public sealed record MailMergeResult(int Letters, int Mailed, IReadOnlyList<string> Skipped);

/// <summary>
/// Mail merge: one letter per selected company (from any list: the ids the list shows), each its own document and
/// timeline entry, optionally sent as an e-mail attachment through the outbox. Each letter commits on its own, so
/// a merge stopped half-way keeps what it made and says how far it got.
/// </summary>
public sealed class MailMerge(CrmDbContext db, LetterGeneration letters, LetterData crm, MailOutbox outbox, MailAccounts accounts)
{
    public const int MaxCompanies = 500;

    public async Task<MailMergeResult> RunAsync(MailMergeRequest request, CurrentUser user, AccessContext from, IProgress<MergeProgress>? progress, CancellationToken cancellationToken)
    {
        if (request.CounterpartyIds.Count is 0 or > MaxCompanies)
        {
            throw ValidationFailedException.For("counterpartyIds", $"Choose from 1 to {MaxCompanies} companies.");
        }

        if (request.FolderId is null)
        {
            throw ValidationFailedException.For("folderId", "Choose the folder the letters go to.");
        }

        if (request.Mail is { } asked)
        {
            // Everything about the mail part is checked before the first letter is made.
            var errors = new Dictionary<string, string[]>();
            if (!(await accounts.UsableAsync(user, cancellationToken)).Any(a => a.Id == asked.AccountId)) errors["mail.accountId"] = ["Choose an account you may send from."];
            if (string.IsNullOrWhiteSpace(asked.Subject)) errors["mail.subject"] = ["Give the e-mail a subject."];
            if (errors.Count > 0)
            {
                throw new ValidationFailedException(errors);
            }
        }

        var recipients = await crm.RecipientsAsync(request.CounterpartyIds, user, cancellationToken);
        var skipped = new List<string>();
        int made = 0, mailed = 0;
        foreach (var (company, person, email) in recipients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new MergeProgress(made, recipients.Count, null));
            GeneratedLetter letter;
            try
            {
                letter = await letters.AddAsync(new GenerateLetter(request.TemplateId, new LetterSubject(company, person, null, null), request.FolderId, null, request.Pdf), user, user.UserName, from, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                made++;
            }
            catch (DomainException ex) when (made > 0)
            {
                // One company's letter failed: the others go on; the result names it. (The first failing stops it all: the template itself is wrong.)
                skipped.Add($"{company}: {Describe(ex)}");
                continue;
            }
            finally
            {
                db.ChangeTracker.Clear();   // 500 letters must not make each save scan the ones before
            }

            if (request.Mail is { } mail)
            {
                if (email is null)
                {
                    skipped.Add($"{letter.Title}: no person with an e-mail");
                    continue;
                }

                try
                {
                    await outbox.QueueAsync(new ComposeMail(mail.AccountId, email, null, mail.Subject, mail.Body, [letter.DocumentId], company, person, null, null), user, from, cancellationToken);
                    mailed++;
                }
                catch (DomainException ex)
                {
                    db.ChangeTracker.Clear();
                    skipped.Add($"{letter.Title}: not mailed ({Describe(ex)})");
                }
            }
        }

        progress?.Report(new MergeProgress(recipients.Count, recipients.Count, null));
        return new MailMergeResult(made, mailed, skipped);
    }

    private static string Describe(DomainException ex) =>
        ex is ValidationFailedException invalid ? string.Join(" ", invalid.Errors.SelectMany(e => e.Value)) : ex.Message;
}
