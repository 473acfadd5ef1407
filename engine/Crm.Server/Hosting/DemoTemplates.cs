using Crm.Modules.Documents;
using Crm.Modules.Templates;
using Crm.Platform.Common;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Crm.Server.Hosting;

/// <summary>
/// The demo's template folder: a letter to a customer (.docx) and a complaint cost statement (.xlsx) with repeating
/// rows, made here with the Open XML SDK so the repository holds no binary samples. Added once, when the folder is missing.
/// </summary>
internal static class DemoTemplates
{
    public static async Task LoadAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<CrmDbContext>();
        if (await db.Folders.AnyAsync(f => f.ParentId == null && f.Name == LetterGeneration.TemplatesFolder))
        {
            return;
        }

        var admin = new CurrentUser(Guid.Empty, IdentitySeeder.AdminUserName, new HashSet<string> { Roles.Admin }, new HashSet<string>());
        var from = new AccessContext(null, "demo loader");
        var folders = services.GetRequiredService<FolderService>();
        var documents = services.GetRequiredService<DocumentService>();
        var folder = await folders.CreateAsync(new CreateFolderRequest(LetterGeneration.TemplatesFolder, null), admin, CancellationToken.None);
        await folders.SetFolderPermissionsAsync(folder.Id,
        [
            new PermissionEntry("group", "sales", ["read", "download"]),
            new PermissionEntry("group", "office", ["read", "download"]),
            new PermissionEntry("group", "complaints", ["read", "download"]),
            new PermissionEntry("user", "piotr", ["read", "download", "write", "manage"]),
        ], admin, from, CancellationToken.None);
        foreach (var (name, bytes) in new[] { ("Pismo do klienta.docx", Letter()), ("Zestawienie kosztów reklamacji.xlsx", CostStatement()) })
        {
            var stored = await documents.StoreAsync(new UploadedFile(name, new MemoryStream(bytes)), CancellationToken.None);
            await documents.CreateAsync(new CreateDocumentRequest(folder.Id, Path.GetFileNameWithoutExtension(name), "letter"), stored, admin, from, CancellationToken.None);
        }
    }

    private static byte[] Letter()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            W.Paragraph Line(string text, bool bold = false) => new(new W.Run(bold ? new W.RunProperties(new W.Bold()) : new W.RunProperties(), new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            main.Document = new W.Document(new W.Body(
                Line("Poznań, {{today}}"),
                Line("{{counterparty.name}}", bold: true),
                Line("{{counterparty.address}}"),
                Line("NIP {{counterparty.nip}}"),
                Line(""),
                Line("{{person.salutation}},"),
                Line("dziękujemy za współpracę. W załączeniu przesyłamy informacje dotyczące sprawy {{case.title}}{{complaint.number}}."),
                Line(""),
                Line("Z poważaniem"),
                Line("{{me.name}}")));
        }

        return stream.ToArray();
    }

    private static byte[] CostStatement()
    {
        using var stream = new MemoryStream();
        using (var excel = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var book = excel.AddWorkbookPart();
            book.Workbook = new S.Workbook();
            var sheetPart = book.AddNewPart<WorksheetPart>();
            S.Row Row(uint index, params string[] texts) => new([.. texts.Select((t, i) => new S.Cell
            {
                CellReference = $"{(char)('A' + i)}{index}", DataType = S.CellValues.InlineString, InlineString = new S.InlineString(new S.Text(t)),
            })]) { RowIndex = index };
            sheetPart.Worksheet = new S.Worksheet(new S.SheetData(
                Row(1, "Reklamacja {{complaint.number}}", "{{counterparty.name}}"),
                Row(2, "Data", "Rodzaj kosztu", "Kwota", "Waluta"),
                Row(3, "{{costs.date}}", "{{costs.type}}", "{{costs.amount}}", "{{costs.currency}}"),
                Row(4, "", "Razem", "{{complaint.costsTotal}}", "{{complaint.currency}}")));
            book.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = book.GetIdOfPart(sheetPart), SheetId = 1, Name = "Koszty" }));
        }

        return stream.ToArray();
    }
}
