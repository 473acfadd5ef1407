using System.Diagnostics;
using System.Globalization;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Modules.Mail;
using Crm.Modules.Templates;
using Crm.Modules.Templates.Filling;
using Crm.Platform.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Common;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Bench;

internal sealed record CorrespondenceFigures(int Messages, double ImportedPerSecond, double RerunPerSecond, int Letters, double LettersPerSecond, int Pdfs, double PdfsPerSecond);

/// <summary>
/// (e) e-mail and templates: 10 000 messages imported from a real IMAP server (each filed with its .eml as a
/// document, matched to a company by its sender), the same mailbox read again (every message recognised), and letters
/// generated from a Word template, without and with PDF through LibreOffice.
/// </summary>
internal static class CorrespondenceBench
{
    private static readonly CurrentUser Admin = new(Guid.NewGuid(), "admin", new HashSet<string> { Roles.Admin, Roles.Staff }, new HashSet<string> { "office" });

    public static async Task<CorrespondenceFigures> RunAsync(BenchOptions options, int messages, int letters, int pdfs, IProgress<string> progress)
    {
        var (host, smtpPort, imapPort) = options.Mail!.Value;
        await using var provider = await EngineHost.CreateAsync(options, "mail.db", settings: new Dictionary<string, string?> { ["Crm:DataPath"] = Directory.CreateTempSubdirectory("crm-bench-mail-").FullName });
        Guid account, company;
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Crm.Platform.Persistence.CrmDbContext>();
            if (!await db.Groups.AnyAsync(g => g.Name == "office"))
            {
                db.Groups.Add(new Group { Name = "office", DisplayName = "Office", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }

            company = await scope.ServiceProvider.GetRequiredService<CounterpartyService>().CreateAsync(
                new CreateCounterpartyRequest(null, "Bench Okna Sp. z o.o.", null, null, null, null, null, null, null, null, "office", null, null, null, null, null, null, null, AllowDuplicate: true), Admin, CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<CrmActivityService>().CreatePersonAsync(new CreatePersonRequest(company, "Jan", "Nadawca", null, null, "jan@bench-okna.pl", null, null), Admin, CancellationToken.None);
            var mailbox = $"bench-{Guid.NewGuid():N}"[..20] + "@test.local";
            account = (await scope.ServiceProvider.GetRequiredService<MailAccounts>().CreateAsync(new MailAccountInput($"Bench {Guid.NewGuid():N}"[..20], mailbox, null, null, "office", host, imapPort, "None",
                host, smtpPort, "None", mailbox, "pass", "INBOX", null, true), Admin, CancellationToken.None)).Id;
            progress.Report($"import: appending {messages} messages to {mailbox} over IMAP");
            await AppendAsync(host, imapPort, mailbox, messages);
        }

        progress.Report($"import: filing {messages} messages");
        var watch = Stopwatch.StartNew();
        int imported;
        await using (var scope = provider.CreateAsyncScope())
        {
            var import = scope.ServiceProvider.GetRequiredService<MailImport>();
            import.BatchSize = messages;
            imported = (await import.RunAsync(account, CancellationToken.None)).Imported;
        }

        var importRate = imported / watch.Elapsed.TotalSeconds;
        progress.Report(string.Create(CultureInfo.InvariantCulture, $"import: {imported} filed, {importRate:F0} messages/s"));

        // The same mailbox read again from its start: every message is recognised, nothing is filed twice.
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Crm.Platform.Persistence.CrmDbContext>().MailAccounts.Where(a => a.Id == account)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUid, 0L));
        }

        watch.Restart();
        await using (var scope = provider.CreateAsyncScope())
        {
            var import = scope.ServiceProvider.GetRequiredService<MailImport>();
            import.BatchSize = messages;
            var rerun = await import.RunAsync(account, CancellationToken.None);
            if (rerun.Imported != 0)
            {
                throw new InvalidOperationException($"A re-run filed {rerun.Imported} messages again.");
            }
        }

        var rerunRate = messages / watch.Elapsed.TotalSeconds;

        // Letters: a Word template in the Templates folder, one letter per generation into a writable folder.
        Guid template, folder;
        await using (var scope = provider.CreateAsyncScope())
        {
            var folders = scope.ServiceProvider.GetRequiredService<FolderService>();
            var documents = scope.ServiceProvider.GetRequiredService<DocumentService>();
            var templates = await folders.CreateAsync(new CreateFolderRequest(LetterGeneration.TemplatesFolder + "-" + Guid.NewGuid().ToString("N")[..4], null), Admin, CancellationToken.None);
            folder = (await folders.CreateAsync(new CreateFolderRequest("Letters " + Guid.NewGuid().ToString("N")[..6], null), Admin, CancellationToken.None)).Id;
            var stored = await documents.StoreAsync(new UploadedFile("letter.docx", new MemoryStream(Template())), CancellationToken.None);
            template = (await documents.CreateAsync(new CreateDocumentRequest(templates.Id, "Letter", null), stored, Admin, AccessContext.Internal, CancellationToken.None)).Id;
        }

        progress.Report($"letters: {letters} from a .docx template");
        watch.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, letters), new ParallelOptions { MaxDegreeOfParallelism = options.Clients }, async (_, ct) =>
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<LetterGeneration>().GenerateAsync(new GenerateLetter(template, new LetterSubject(company, null, null, null), folder, null, false), Admin, AccessContext.Internal, ct);
        });
        var letterRate = letters / watch.Elapsed.TotalSeconds;
        double pdfRate = 0;
        if (PdfConverter.IsAvailable && pdfs > 0)
        {
            progress.Report($"letters: {pdfs} as PDF through LibreOffice");
            watch.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, pdfs), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (_, ct) =>
            {
                await using var scope = provider.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LetterGeneration>().GenerateAsync(new GenerateLetter(template, new LetterSubject(company, null, null, null), folder, null, true), Admin, AccessContext.Internal, ct);
            });
            pdfRate = pdfs / watch.Elapsed.TotalSeconds;
        }

        return new CorrespondenceFigures(imported, importRate, rerunRate, letters, letterRate, PdfConverter.IsAvailable ? pdfs : 0, pdfRate);
    }

    public static void Print(CorrespondenceFigures f)
    {
        Console.WriteLine();
        Console.WriteLine("E-mail and templates (real IMAP server)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  import: {f.Messages} messages filed at {f.ImportedPerSecond:F0} messages/s (target >= 50); re-read, all recognised: {f.RerunPerSecond:F0} messages/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  letters from a .docx template: {f.Letters} at {f.LettersPerSecond:F1} docs/s; as PDF: {(f.Pdfs == 0 ? "LibreOffice missing" : $"{f.Pdfs} at {f.PdfsPerSecond:F2} docs/s")}"));
    }

    /// <summary>Puts the messages straight into the mailbox (IMAP APPEND): delivery is not what is measured.</summary>
    private static async Task AppendAsync(string host, int imapPort, string mailbox, int count)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync(host, imapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(mailbox, "pass");
        for (var start = 0; start < count; start += 250)
        {
            var batch = Enumerable.Range(start, Math.Min(250, count - start)).Select(i =>
            {
                var message = new MimeMessage();
                message.From.Add(new MailboxAddress("Jan Nadawca", i % 2 == 0 ? "jan@bench-okna.pl" : $"someone{i}@example.org"));
                message.To.Add(MailboxAddress.Parse(mailbox));
                message.Subject = $"Zapytanie {i}";
                message.MessageId = $"bench-{i}-{Guid.NewGuid():N}@bench";
                message.Body = new TextPart("plain") { Text = $"Dzień dobry, prosimy o ofertę numer {i}. " + new string('x', 600) };
                return (IAppendRequest)new AppendRequest(message, MessageFlags.None);
            }).ToList();
            await imap.Inbox.AppendAsync(batch);
        }

        await imap.DisconnectAsync(true);
    }

    private static byte[] Template()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            W.Paragraph Line(string text) => new(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            main.Document = new W.Document(new W.Body(Line("{{today}}"), Line("{{counterparty.name}}"), Line("{{counterparty.address}}"), Line("{{person.salutation}},"),
                Line("dziękujemy za zapytanie. " + new string('.', 400)), Line("{{me.name}}")));
        }

        return stream.ToArray();
    }
}
