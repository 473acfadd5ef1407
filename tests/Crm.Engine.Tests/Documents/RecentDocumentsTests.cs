using System.Text;
using Crm.Modules.Documents;
using Crm.Platform.Common;
using Crm.Platform.Persistence;
using Crm.Workflow.Common;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Crm.Engine.Tests.Documents;

/// <summary>The home dashboard's recent documents on SQLite and PostgreSQL: only the caller's own opens, only what the caller may still read.</summary>
public abstract class RecentDocumentsTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly AccessContext Office = new("10.0.0.7", "test-browser/1.0");
    private static CurrentUser Anna => EngineHarness.User("anna", "sales");
    private static CurrentUser Marek => EngineHarness.User("marek", "sales");

    private async Task<Guid> UploadAsync(Guid folder, string title)
    {
        var stored = await Engine.RunAsync<DocumentService, StoredFile>(s => s.StoreAsync(new UploadedFile("note.txt", new MemoryStream(Encoding.UTF8.GetBytes(title))), default));
        return (await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateAsync(new CreateDocumentRequest(folder, title, "letter"), stored, EngineHarness.Admin, Office, default))).Id;
    }

    private Task<DocumentView> OpenAsync(Guid id, CurrentUser user) => Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(id, user, Office, default));

    private async Task<List<string>> RecentAsync(CurrentUser user) =>
        [.. (await Engine.RunAsync<RecentDocuments, List<RecentDocument>>(r => r.ListAsync(user, 10, default))).Select(d => d.Title)];

    [Fact]
    public async Task Recent_ListsMyOwnOpensNewestFirst_AndDropsWhatIMayNoLongerRead()
    {
        RequireDatabase();
        var folder = await Engine.RunAsync<FolderService, FolderView>(s => s.CreateAsync(new CreateFolderRequest("Umowy", null), EngineHarness.Admin, default));
        await Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetFolderPermissionsAsync(folder.Id, [new("group", "sales", ["read"])], EngineHarness.Admin, Office, default));
        var offer = await UploadAsync(folder.Id, "Oferta");
        var contract = await UploadAsync(folder.Id, "Umowa");
        var secret = await UploadAsync(folder.Id, "Poufne");

        await OpenAsync(offer, Anna);
        await Engine.AdvanceAsync(TimeSpan.FromMinutes(1));
        await OpenAsync(secret, Anna);
        await Engine.AdvanceAsync(TimeSpan.FromMinutes(1));
        await OpenAsync(contract, Anna);
        await Engine.AdvanceAsync(TimeSpan.FromMinutes(1));
        await OpenAsync(offer, Anna);
        await OpenAsync(contract, Marek);

        Assert.Equal(["Oferta", "Umowa", "Poufne"], await RecentAsync(Anna));
        Assert.Equal(["Umowa"], await RecentAsync(Marek));

        // Only anna may read the secret one now: marek's list is unchanged, and when anna loses it, so does her list.
        await Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetDocumentPermissionsAsync(secret, [new("user", "marek", ["read"])], EngineHarness.Admin, Office, default));
        Assert.Equal(["Oferta", "Umowa"], await RecentAsync(Anna));
        var events = await Engine.RunAsync<CrmDbContext, int>(db => db.DocumentEvents.CountAsync(e => e.UserName == "anna" && e.DocumentId == secret));
        Assert.True(events > 0);
    }
}

public sealed class RecentDocumentsOnSqliteTests() : RecentDocumentsTests(DatabaseProvider.Sqlite);

public sealed class RecentDocumentsOnPostgreSqlTests() : RecentDocumentsTests(DatabaseProvider.PostgreSql);
