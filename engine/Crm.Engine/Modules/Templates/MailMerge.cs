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
public sealed class MailMerge(CrmDbContext db, LetterGeneration letters, LetterData crm, MailOutbox outbox)
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

        var recipients = await crm.RecipientsAsync(request.CounterpartyIds, user, cancellationToken);
        var skipped = new List<string>();
        int made = 0, mailed = 0;
        foreach (var (company, person, email) in recipients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new MergeProgress(made + skipped.Count, recipients.Count, null));
            var letter = await letters.AddAsync(new GenerateLetter(request.TemplateId, new LetterSubject(company, person, null, null), request.FolderId, null, request.Pdf), user, user.UserName, from, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();   // 500 letters must not make each save scan the ones before
            made++;
            if (request.Mail is { } mail)
            {
                if (email is null)
                {
                    skipped.Add($"{letter.Title}: no person with an e-mail");
                    continue;
                }

                await outbox.QueueAsync(new ComposeMail(mail.AccountId, email, null, mail.Subject, mail.Body, [letter.DocumentId], company, person, null, null), user, from, cancellationToken);
                mailed++;
            }
        }

        progress?.Report(new MergeProgress(recipients.Count, recipients.Count, null));
        return new MailMergeResult(made, mailed, skipped);
    }
}
