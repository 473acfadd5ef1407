using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Crm.Modules.Mail;

/// <summary>
/// Files one incoming message: its .eml and every attachment become DMS documents in the account's folder, the mail row
/// records who it is from and where it was matched, and a matched mail becomes an e-mail activity on the company's
/// timeline. All in the caller's unit of work, so a mail is filed whole or not at all.
/// </summary>
public sealed partial class MailFiling(CrmDbContext db, RecordDocuments documents, MailMatching matching, Correspondents correspondents, TimeProvider clock)
{
    private const int PreviewLength = 2000;

    /// <summary>The key that makes a mail unique: its Message-ID, or the hash of its bytes when it has none.</summary>
    public static string KeyOf(MimeMessage message, string contentHash)
    {
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            return "sha256:" + contentHash;
        }

        // Index entries have a byte limit: a long or non-ASCII id is kept by its hash.
        var id = Clean(message.MessageId.Trim('<', '>', ' '));
        return id.Length <= 300 && id.All(char.IsAscii) ? id : "id-sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
    }

    /// <summary>Text a database column takes: no NUL and no other control characters but line breaks and tabs.</summary>
    public static string Clean(string text) =>
        text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? new string([.. text.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t')]) : text;

    public static string HashOf(byte[] raw) => Convert.ToHexStringLower(SHA256.HashData(raw));

    /// <summary>True when this mail was filed before (by an earlier run or another node).</summary>
    public Task<bool> KnownAsync(string key, CancellationToken cancellationToken) => db.MailMessages.AnyAsync(m => m.Direction == "in" && m.MessageKey == key, cancellationToken);

    /// <summary>Adds the mail, its documents and (when matched) its activity to the unit of work. The caller commits.</summary>
    public async Task<MailMessage> AddIncomingAsync(MailAccount account, MimeMessage message, byte[] raw, long? uid, CancellationToken cancellationToken, string? key = null)
    {
        var hash = HashOf(raw);
        var subject = Clip(message.Subject, 1000) ?? "";
        var mail = new MailMessage
        {
            AccountId = account.Id, Direction = "in", MessageKey = key ?? KeyOf(message, hash), ContentHash = hash,
            MessageIdHeader = Clip(message.MessageId?.Trim('<', '>', ' '), 300), InReplyTo = Clip(message.InReplyTo?.Trim('<', '>', ' '), 300),
            References = Clip(string.Join(' ', message.References), 8000), Subject = subject, From = Clip(message.From.ToString(), 1000) ?? "",
            To = Clip(message.To.ToString(), 4000) ?? "", Cc = Clip(message.Cc.Count == 0 ? null : message.Cc.ToString(), 4000),
            Date = message.Date == DateTimeOffset.MinValue ? clock.GetUtcNow() : message.Date, Preview = PreviewOf(message), Uid = uid, CreatedAt = clock.GetUtcNow(),
        };

        var by = account.Owner ?? "mail:" + account.Name;
        var eml = await documents.StoreAsync(FileNameOf(subject, ".eml"), new MemoryStream(raw, writable: false), cancellationToken);
        mail.EmlDocumentId = documents.Add(account.DocumentFolderId, string.IsNullOrWhiteSpace(subject) ? "(no subject)" : subject, eml, Clip(by, 100)!, AccessContext.Internal);
        foreach (var part in message.Attachments.OfType<MimePart>().Take(100))
        {
            using var content = new MemoryStream();
            if (part.Content is null)
            {
                continue;
            }

            await part.Content.DecodeToAsync(content, cancellationToken);
            content.Position = 0;
            var name = part.FileName is { Length: > 0 } fileName ? fileName : MimeTypes.TryGetExtension(part.ContentType.MimeType, out var extension) ? "attachment" + extension : "attachment.bin";
            var stored = await documents.StoreAsyncOrNull(name, content, cancellationToken);
            if (stored is null)
            {
                continue;   // an empty part: nothing to keep
            }

            var id = documents.Add(account.DocumentFolderId, name, stored, Clip(by, 100)!, AccessContext.Internal);
            mail.Attachments.Add(new MailAttachment { DocumentId = id, FileName = Clip(stored.FileName, 500)!, Size = stored.Size });
        }

        if (await matching.MatchAsync(message, cancellationToken) is { } match)
        {
            await FileAsync(mail, match.Target, match.MatchedBy, account.Owner ?? await correspondents.OwnerOfAsync(match.Target.CounterpartyId, cancellationToken) ?? account.CreatedBy, cancellationToken);
        }
        else
        {
            mail.State = MailState.Unassigned;
        }

        db.MailMessages.Add(mail);
        return mail;
    }

    /// <summary>Puts a mail on a company's timeline (an e-mail activity with the .eml and the attachments).</summary>
    public Task FileAsync(MailMessage mail, MailFilingTarget target, string matchedBy, string employee, CancellationToken cancellationToken)
    {
        mail.CounterpartyId = target.CounterpartyId;
        mail.PersonId = target.PersonId;
        mail.CaseId = target.CaseId;
        mail.MatchedBy = matchedBy;
        mail.State = mail.Direction == "in" ? MailState.Filed : mail.State;
        var documentIds = new List<Guid>();
        if (mail.EmlDocumentId is { } eml)
        {
            documentIds.Add(eml);
        }

        documentIds.AddRange(mail.Attachments.Select(a => a.DocumentId));
        // The text stays in the .eml, readable by whoever may read the account's mail; the timeline names the sender only.
        var summary = $"{(mail.Direction == "in" ? "From" : "To")}: {(mail.Direction == "in" ? mail.From : mail.To)}";
        mail.ActivityId = correspondents.FileEmail(target, mail.Direction, mail.Date, Clip(employee, 100)!, mail.Subject, Clip(summary, 4000), documentIds);
        return Task.CompletedTask;
    }

    /// <summary>The first 2 000 characters of the text (the HTML's text when there is no plain part).</summary>
    public static string? PreviewOf(MimeMessage message)
    {
        var text = message.TextBody;
        if (string.IsNullOrWhiteSpace(text) && message.HtmlBody is { } html)
        {
            var page = html.Length > 200_000 ? html[..200_000] : html;
            try
            {
                text = System.Net.WebUtility.HtmlDecode(Tags().Replace(Scripts().Replace(page, " "), " "));
            }
            catch (RegexMatchTimeoutException)
            {
                text = System.Net.WebUtility.HtmlDecode(page);   // a pathological page: its raw text is a good enough preview
            }
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = Blank().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n\n").Trim();
        return text.Length > PreviewLength ? text[..PreviewLength] + "…" : text;
    }

    public static string FileNameOf(string subject, string extension)
    {
        var name = new string([.. subject.Where(c => !Path.GetInvalidFileNameChars().Contains(c) && !char.IsControl(c))]).Trim();
        return (name.Length == 0 ? "mail" : name.Length > 80 ? name[..80] : name) + extension;
    }

    internal static string? Clip(string? value, int max) => value is null ? null : Clean(value.Length > max ? value[..max] : value);

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]+>", RegexOptions.None, 1000)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\n\s*\n\s*\n+", RegexOptions.None, 1000)]
    private static partial Regex Blank();
}
