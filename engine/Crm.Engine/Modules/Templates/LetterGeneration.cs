using System.Globalization;
using Crm.Modules.Complaints;
using Crm.Modules.Counterparties;
using Crm.Modules.Documents;
using Crm.Modules.Templates.Filling;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;

namespace Crm.Modules.Templates;

/// <summary>What a letter is about: a company (and a person and case of it), or a complaint (which names its company).</summary>
public sealed record LetterSubject(Guid? CounterpartyId, Guid? PersonId, Guid? CaseId, Guid? ComplaintId);

public sealed record GenerateLetter(Guid TemplateId, LetterSubject About, Guid? FolderId, string? Title, bool Pdf);

public sealed record GeneratedLetter(Guid DocumentId, string Title, string FileName, IReadOnlyList<string> Unknown);

/// <summary>The values a template would be filled with for a subject, and the template's placeholders (unknown ones flagged).</summary>
public sealed record LetterPreview(IReadOnlyList<string> Placeholders, IReadOnlyList<string> Unknown, IReadOnlyDictionary<string, string?> Values, IReadOnlyDictionary<string, int> Lists, bool PdfAvailable);

/// <summary>
/// Letters from Word and Excel templates (D7): the templates are the .docx/.xlsx files in the DMS folder "Templates"
/// (and below) the user may download; the values come from the CRM as the user may see them; the output is a new
/// document (version 1 and its register rows) in a folder the user may write to, optionally as PDF through LibreOffice,
/// and a letter activity on the company's timeline with the document attached.
/// </summary>
public sealed class LetterGeneration(CrmDbContext db, RecordDocuments documents, LetterData crm, ComplaintLetterData complaints, Correspondents correspondents, TimeProvider clock)
{
    public const string TemplatesFolder = "Templates";

    public Task<List<TemplateDocument>> TemplatesAsync(CurrentUser user, CancellationToken cancellationToken) => documents.TemplatesAsync(TemplatesFolder, user, cancellationToken);

    public async Task<LetterPreview> PreviewAsync(Guid templateId, LetterSubject about, CurrentUser user, CancellationToken cancellationToken)
    {
        var (data, _, _) = await DataAsync(about, user, cancellationToken);
        var template = await documents.ReadTemplateAsync(templateId, user, AccessContext.Internal, null, cancellationToken);
        db.ChangeTracker.Clear();   // a preview records nothing
        var kind = KindOf(template.FileName);
        var placeholders = Readable(kind, () => TemplatePlaceholders.List(new MemoryStream(template.Content), kind));
        var filled = Fill(template.Content, kind, data);
        return new LetterPreview(placeholders, filled.Unknown, data.Values, data.ListNames.ToDictionary(n => n, n => data.Rows(n).Count, StringComparer.OrdinalIgnoreCase), PdfConverter.IsAvailable);
    }

    /// <summary>Generates and commits the letter (a user's request).</summary>
    public async Task<GeneratedLetter> GenerateAsync(GenerateLetter request, CurrentUser user, AccessContext from, CancellationToken cancellationToken)
    {
        var letter = await AddAsync(request, user, user.UserName, from, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return letter;
    }

    /// <summary>
    /// Adds the letter to the unit of work without committing (a process step commits it with the step). With a user,
    /// their rights decide; without one (the job executor), the records must exist and the folder must be given.
    /// </summary>
    public async Task<GeneratedLetter> AddAsync(GenerateLetter request, CurrentUser? user, string author, AccessContext from, CancellationToken cancellationToken)
    {
        if (request.Pdf && !PdfConverter.IsAvailable)
        {
            throw ValidationFailedException.For("pdf", "PDF output needs LibreOffice on the server (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui); it is not installed here.");
        }

        if (user is null && request.About.ComplaintId is not null && (request.About.CounterpartyId is not null || request.About.PersonId is not null || request.About.CaseId is not null))
        {
            // Without a user the complaint decides which company the letter is about: ids from variables cannot add another's data.
            throw ValidationFailedException.For("counterpartyId", "Without a user behind the step a complaint's letter is about the complaint's own company only.");
        }

        var (data, company, complaintFolder) = await DataAsync(request.About, user, cancellationToken);
        if (user is null && (complaintFolder is null || (request.FolderId is { } asked && asked != complaintFolder)))
        {
            // Nobody's rights to check (the job executor): the letter may only stay in the complaint's own folder,
            // where exactly the complaint's people read it; ids in variables cannot move data anywhere else.
            throw ValidationFailedException.For("folderId", "Without a user behind the step a letter is made only for a complaint, into the complaint's own folder.");
        }

        var folderId = request.FolderId ?? complaintFolder ?? throw ValidationFailedException.For("folderId", "Choose the folder the letter goes to.");
        if (user is not null)
        {
            await documents.RequireWritableAsync(folderId, user, cancellationToken);
        }

        var template = await documents.ReadTemplateAsync(request.TemplateId, user, from, null, cancellationToken, user is null ? TemplatesFolder : null);
        var kind = KindOf(template.FileName);
        var filled = Fill(template.Content, kind, data);
        var bytes = filled.Bytes;
        var title = string.IsNullOrWhiteSpace(request.Title) ? $"{Path.GetFileNameWithoutExtension(template.FileName)} – {data.Values.GetValueOrDefault("complaint.number") ?? data.Values.GetValueOrDefault("counterparty.name")}" : request.Title.Trim();
        var extension = kind == TemplateKind.Docx ? ".docx" : ".xlsx";
        if (request.Pdf)
        {
            try
            {
                bytes = await PdfConverter.ConvertAsync(bytes, kind, cancellationToken);
            }
            catch (PdfConversionException ex)
            {
                throw ValidationFailedException.For("pdf", $"LibreOffice could not make a PDF of this document: {ex.Message}");
            }

            extension = ".pdf";
        }

        var fileName = MailSafeName(title) + extension;
        var stored = await documents.StoreAsync(fileName, new MemoryStream(bytes, writable: false), cancellationToken);
        var documentId = documents.Add(folderId, title, stored, author, from);
        if (company is { } counterpartyId)
        {
            correspondents.FileLetter(new MailFilingTarget(counterpartyId, request.About.PersonId, request.About.CaseId), clock.GetUtcNow(), author, title, documentId);
        }

        return new GeneratedLetter(documentId, title, stored.FileName, filled.Unknown);
    }

    /// <summary>The values: today, the author, the company/person/case and the complaint with its cost lines.</summary>
    private async Task<(TemplateData Data, Guid? Company, Guid? ComplaintFolder)> DataAsync(LetterSubject about, CurrentUser? user, CancellationToken cancellationToken)
    {
        var me = user is null ? null : await db.Users.AsNoTracking().Where(u => u.UserName == user.UserName).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(cancellationToken);
        var data = new TemplateData()
            .Set("today", clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Set("me.name", me?.DisplayName ?? user?.UserName)
            .Set("me.email", me?.Email);
        Guid? folder = null;
        var target = about;
        if (about.ComplaintId is { } complaintId)
        {
            var complaint = await complaints.ForAsync(complaintId, user, cancellationToken);
            foreach (var (key, value) in complaint.Values)
            {
                data.Set(key, value);
            }

            data.AddList("costs", complaint.Costs);
            folder = complaint.FolderId;
            target = about with { CounterpartyId = about.CounterpartyId ?? complaint.CounterpartyId, PersonId = about.PersonId ?? complaint.PersonId };
        }

        if (target.CaseId is { } caseId && target.CounterpartyId is null)
        {
            target = target with { CounterpartyId = await correspondents.CounterpartyOfCaseAsync(caseId, cancellationToken) };
        }

        if (target.CounterpartyId is { } company)
        {
            foreach (var (key, value) in await crm.ForAsync(new MailFilingTarget(company, target.PersonId, target.CaseId), user, cancellationToken))
            {
                data.Set(key, value);
            }
        }
        else if (about.ComplaintId is null)
        {
            throw ValidationFailedException.For("counterpartyId", "Choose the company (or complaint) the letter is for.");
        }

        return (data, target.CounterpartyId, folder);
    }

    private static TemplateFillResult Fill(byte[] template, TemplateKind kind, TemplateData data) =>
        Readable(kind, () => kind == TemplateKind.Docx ? DocxFiller.Fill(new MemoryStream(template), data) : XlsxFiller.Fill(new MemoryStream(template), data));

    /// <summary>A broken template (not a zip, bad XML, a value with characters XML cannot hold) is the user's 400, not a crash.</summary>
    private static T Readable<T>(TemplateKind kind, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or IOException or ArgumentException or InvalidOperationException)
        {
            throw ValidationFailedException.For("templateId", $"The template cannot be filled as a {(kind == TemplateKind.Docx ? "Word" : "Excel")} file: {ex.Message}");
        }
    }

    private static TemplateKind KindOf(string fileName) =>
        Path.GetExtension(fileName).ToLowerInvariant() is ".xlsx" or ".xltx" ? TemplateKind.Xlsx : TemplateKind.Docx;

    private static string MailSafeName(string title)
    {
        var name = new string([.. title.Where(c => !Path.GetInvalidFileNameChars().Contains(c) && !char.IsControl(c))]).Trim();
        return name.Length == 0 ? "letter" : name.Length > 100 ? name[..100] : name;
    }
}
