using Crm.Platform.Notifications;
using Crm.Platform.Outbox;
using Crm.Platform.Common;
using System.Text;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Storage.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

using Crm.Modules.Documents.Checkout;
using Crm.Workflows.DocumentCheckout;

namespace Crm.Engine.Tests.Documents;

/// <summary>Documents on SQLite and PostgreSQL, bytes in the real S3 server when the run has one.</summary>
public abstract class DocumentTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly AccessContext Office = new("10.0.0.7", "test-browser/1.0");
    private static CurrentUser Anna => EngineHarness.User("anna", "sales");
    private static CurrentUser Marek => EngineHarness.User("marek", "sales");
    private static CurrentUser Jan => EngineHarness.User("jan", "office");
    private static CurrentUser Boss => EngineHarness.User("boss");

    private Task<FolderView> FolderAsync(string name, Guid? parent = null) =>
        Engine.RunAsync<FolderService, FolderView>(s => s.CreateAsync(new CreateFolderRequest(name, parent), EngineHarness.Admin, CancellationToken.None));

    private Task<List<PermissionEntry>> GrantAsync(Guid folder, params PermissionEntry[] entries) =>
        Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetFolderPermissionsAsync(folder, entries, EngineHarness.Admin, Office, CancellationToken.None));

    private static PermissionEntry Group(string name, params string[] rights) => new("group", name, rights);

    private static PermissionEntry Person(string name, params string[] rights) => new("user", name, rights);

    private async Task<Guid> UploadAsync(Guid folder, string title, string text, CurrentUser? user = null, string fileName = "note.txt")
    {
        var stored = await StoreAsync(text, fileName);
        var created = await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateAsync(new CreateDocumentRequest(folder, title, "letter"), stored, user ?? EngineHarness.Admin, Office, CancellationToken.None));
        return created.Id;
    }

    private Task<StoredFile> StoreAsync(string text, string fileName = "note.txt") =>
        Engine.RunAsync<DocumentService, StoredFile>(s => s.StoreAsync(new UploadedFile(fileName, new MemoryStream(Encoding.UTF8.GetBytes(text))), CancellationToken.None));

    private static UploadedFile Upload(string text, string fileName = "note.txt") => new(fileName, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    /// <summary>Whether the object store holds these bytes.</summary>
    private Task<bool> StoredAsync(string text) =>
        Engine.RunAsync<Crm.Storage.Objects.IObjectStore, bool>(async store =>
            await store.GetSizeAsync(Crm.Storage.Objects.ContentHash.FromBytes(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))) is not null);

    private async Task<SearchResponse> SearchAsync(string q, CurrentUser user, Guid? folder = null)
    {
        await Engine.IndexAsync();
        return await Engine.RunAsync<SearchService, SearchResponse>(s => s.SearchAsync(new SearchRequest(q, folder, null, null, null, null, null, 1, 20), user, Office, CancellationToken.None));
    }

    [Fact]
    public async Task Permissions_InheritAndNarrow_InListsDirectAccessSearchAndCounts()
    {
        RequireDatabase();
        var company = await FolderAsync("Company");
        var contracts = await FolderAsync("Contracts", company.Id);
        var board = await FolderAsync("Board");   // a separate tree: rights only add up downwards
        await GrantAsync(company.Id, Group("sales", "read", "download"));
        await GrantAsync(board.Id, Person("boss", "read"));
        var open1 = await UploadAsync(contracts.Id, "Umowa ramowa", "Zażółć gęślą jaźń: umowa z dostawcą.");
        var open2 = await UploadAsync(contracts.Id, "Aneks", "Aneks do umowy, zażółć.");
        var secret = await UploadAsync(contracts.Id, "Umowa poufna", "Zażółć: warunki poufne.");
        var boardMinutes = await UploadAsync(board.Id, "Protokół zarządu", "Zażółć: decyzje zarządu.");
        await Engine.RunAsync<FolderService, List<PermissionEntry>>(s => s.SetDocumentPermissionsAsync(secret, [Person("anna", "read")], EngineHarness.Admin, Office, CancellationToken.None));

        var marekList = await Engine.RunAsync<FolderService, FolderChildren>(s => s.ChildrenAsync(contracts.Id, null, null, null, null, 1, 50, Marek, CancellationToken.None));
        var annaList = await Engine.RunAsync<FolderService, FolderChildren>(s => s.ChildrenAsync(contracts.Id, null, null, null, null, 1, 50, Anna, CancellationToken.None));
        Assert.Equal([open1, open2], marekList.Documents.Select(d => d.Id).Order().ToList());
        Assert.Equal(2, marekList.TotalDocuments);
        Assert.Equal(3, annaList.TotalDocuments);
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(secret, Marek, Office, CancellationToken.None)));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(boardMinutes, Anna, Office, CancellationToken.None)));
        await Assert.ThrowsAsync<NotFoundException>(() => Engine.RunAsync<FolderService, FolderChildren>(s => s.ChildrenAsync(board.Id, null, null, null, null, 1, 50, Anna, CancellationToken.None)));
        Assert.DoesNotContain(await Engine.RunAsync<FolderService, List<FolderView>>(s => s.TreeAsync(Marek, CancellationToken.None)), f => f.Id == board.Id);
        // Narrowing never widens: boss may read the board folder only; jan has nothing anywhere.
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<DocumentService, OpenedContent>(s => s.OpenAsync(boardMinutes, null, preview: false, Boss, Office, CancellationToken.None)));

        var marekHits = await SearchAsync("zazolc", Marek);
        var annaHits = await SearchAsync("zazolc", Anna);
        var bossHits = await SearchAsync("zazolc", Boss);
        var janHits = await SearchAsync("zazolc", Jan);
        var adminHits = await SearchAsync("zazolc", EngineHarness.Admin);
        Assert.Equal(2, marekHits.Total);
        Assert.Equal([open1.ToString(), open2.ToString()], marekHits.Items.Select(i => i.Id).Order().ToList());
        Assert.Equal(3, annaHits.Total);
        Assert.Equal(boardMinutes.ToString(), Assert.Single(bossHits.Items).Id);
        Assert.Equal(0, janHits.Total);
        Assert.Equal(4, adminHits.Total);
        Assert.Equal(3, (await SearchAsync("zazolc", Anna, contracts.Id)).Total);

        // Revoking the folder grant reaches the index too.
        await GrantAsync(company.Id);
        Assert.Equal(0, (await SearchAsync("zazolc", Marek)).Total);
    }

    [Fact]
    public async Task ConcurrentCheckOuts_ExactlyOneWins_TheOthersGet409NamingTheHolder()
    {
        RequireDatabase();
        var folder = await FolderAsync("Shared");
        await GrantAsync(folder.Id, Group("sales", "read", "write"));
        var document = await UploadAsync(folder.Id, "Price list", "prices");
        var users = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? Anna : Marek).ToList();

        var results = await Task.WhenAll(users.Select(async user =>
        {
            try
            {
                await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, user, Office, CancellationToken.None));
                return (Won: true, user.UserName, Message: "");
            }
            catch (ConflictException ex)
            {
                return (Won: false, user.UserName, ex.Message);
            }
        }));

        var winner = Assert.Single(results, r => r.Won);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Engine.StartAsync(CheckoutProcess.Key));   // only a check-out starts it
        Assert.All(results.Where(r => !r.Won), r => Assert.Contains(winner.UserName, r.Message, StringComparison.Ordinal));
        var view = await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, Anna, Office, CancellationToken.None));
        Assert.Equal(winner.UserName, view.LockedBy);
        Assert.Equal(1, await Engine.RunAsync<CrmDbContext, int>(db => db.ProcessInstances.CountAsync(i => i.ProcessKey == CheckoutProcess.Key && i.Status == InstanceStatus.Active)));
    }

    [Fact]
    public async Task CheckOutRace_TheWinnerCancelsChecksOutAgainAndChecksIn_TheLoserRetries_NothingStaysLocked()
    {
        RequireDatabase();
        var folder = await FolderAsync("Race then work");
        await GrantAsync(folder.Id, Group("sales", "read", "download", "write"), Person("boss", "read", "manage"));
        var document = await UploadAsync(folder.Id, "Umowa", "umowa v1");

        async Task<(string User, bool Won)[]> RaceAsync(Func<CurrentUser, Task> action) => await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? Anna : Marek).Select(async user =>
            {
                try
                {
                    await action(user);
                    return (user.UserName, true);
                }
                catch (ConflictException)
                {
                    return (user.UserName, false);
                }
            }));

        // 1. Race for the lock; the winner must be able to give it back at once (this used to hang on SQLite).
        var first = await RaceAsync(user => Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, user, Office, CancellationToken.None)));
        var winner = Assert.Single(first, r => r.Won).User == "anna" ? Anna : Marek;
        var loser = winner.UserName == "anna" ? Marek : Anna;
        Assert.Equal(1, await ActiveCheckoutsAsync());
        using (var quick = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await Engine.RunAsync<CancelCheckOut, bool>(async s => { await s.RunAsync(document, winner, Office, quick.Token); return true; });
        }

        Assert.Null((await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, Anna, Office, CancellationToken.None))).LockedBy);
        Assert.Equal(0, await ActiveCheckoutsAsync());

        // 2. The loser retries and checks in; the version lands and the lock goes.
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, loser, Office, CancellationToken.None));
        Assert.Equal(2, await Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("umowa v2"), "v2", loser, Office, CancellationToken.None)));
        Assert.Equal(0, await ActiveCheckoutsAsync());

        // 3. Races on the next steps: two check-ins of one lock (one version lands), cancel against check-in, force-unlock.
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));
        var checkIns = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            try
            {
                return await Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload($"umowa v3 wariant {i}"), null, Anna, Office, CancellationToken.None));
            }
            catch (ConflictException)
            {
                return 0;
            }
        }));
        Assert.Equal(3, Assert.Single(checkIns, v => v != 0));
        Assert.Equal(0, await ActiveCheckoutsAsync());

        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Marek, Office, CancellationToken.None));
        var ends = await Task.WhenAll(
            Attempt(() => Engine.RunAsync<CancelCheckOut, bool>(async s => { await s.RunAsync(document, Marek, Office, CancellationToken.None); return true; })),
            Attempt(() => Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("umowa v4"), null, Marek, Office, CancellationToken.None))),
            Attempt(() => Engine.RunAsync<ForceUnlock, DocumentView>(s => s.RunAsync(document, Boss, Office, CancellationToken.None))));
        Assert.Contains(true, ends);
        Assert.Null((await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, Anna, Office, CancellationToken.None))).LockedBy);
        Assert.Equal(0, await ActiveCheckoutsAsync());

        // And the document can be checked out and in again afterwards.
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));
        var last = await Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("umowa final"), null, Anna, Office, CancellationToken.None));
        Assert.True(last >= 4);
        Assert.Equal(0, await ActiveCheckoutsAsync());
    }

    private static async Task<bool> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (ConflictException)
        {
            return false;
        }
    }

    private Task<int> ActiveCheckoutsAsync() =>
        Engine.RunAsync<CrmDbContext, int>(db => db.ProcessInstances.CountAsync(i => i.ProcessKey == CheckoutProcess.Key && i.Status == InstanceStatus.Active));

    [Fact]
    public async Task CheckIn_InTheProcessStep_AddsVersionAndReleasesLock_OthersCannotAddVersionsMeanwhile()
    {
        RequireDatabase();
        var folder = await FolderAsync("Procedures");
        await GrantAsync(folder.Id, Group("sales", "read", "download", "write"));
        var document = await UploadAsync(folder.Id, "Reklamacje", "Procedura v1", Anna);
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));

        var other = await StoreAsync("Marek's edit");
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<DocumentService, int>(s => s.AddVersionAsync(document, other, null, Marek, Office, CancellationToken.None)));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("Marek's check-in"), null, Marek, Office, CancellationToken.None)));
        Assert.False(await StoredAsync("Marek's check-in"));   // refused before any byte was stored
        var task = Assert.Single(await Engine.OpenTasksAsync(await LockInstanceAsync(document)));
        Assert.Equal("anna", task.Assignee);

        var version = await Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("Procedura v2 z nowym krokiem"), "new step", Anna, Office, CancellationToken.None));

        Assert.Equal(2, version);
        var view = await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, Anna, Office, CancellationToken.None));
        Assert.Null(view.LockedBy);
        var instance = await Engine.RunAsync<CrmDbContext, ProcessInstance>(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ProcessKey == CheckoutProcess.Key));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Contains(await Engine.HistoryAsync(instance.Id), h => h.ElementId == "storeVersion" && h.Type == "ElementLeft");
        var kinds = await EventsAsync(document);
        Assert.Equal(["Created", "Locked", "Unlocked", "VersionAdded", "VersionAdded"], kinds.Where(k => k != "Viewed").Order().ToList());
        Assert.Contains("<mark>nowym</mark> krokiem", (await SearchAsync("nowym", Anna)).Items.Single().Snippet, StringComparison.Ordinal);

        // Cancel releases without a version; a manager's force-unlock ends the process.
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Marek, Office, CancellationToken.None));
        await Engine.RunAsync<CancelCheckOut, bool>(async s => { await s.RunAsync(document, Marek, Office, CancellationToken.None); return true; });
        Assert.Null((await Engine.RunAsync<DocumentService, DocumentView>(s => s.GetAsync(document, Anna, Office, CancellationToken.None))).LockedBy);
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));
        var lockInstance = await LockInstanceAsync(document);
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<ForceUnlock, DocumentView>(s => s.RunAsync(document, Marek, Office, CancellationToken.None)));
        await Engine.RunAsync<ForceUnlock, DocumentView>(s => s.RunAsync(document, EngineHarness.Admin, Office, CancellationToken.None));
        Assert.Equal("Cancelled", (await Engine.InstanceAsync(lockInstance)).State);
        Assert.Equal(2, (await Engine.RunAsync<DocumentService, List<VersionView>>(s => s.VersionsAsync(document, Anna, CancellationToken.None))).Count);
        Assert.Contains("ForceUnlocked", await EventsAsync(document));
    }

    [Fact]
    public async Task CheckOutProcess_RemindsTheHolder_AndGivesManagersATaskWhenTheLockIsTooOld()
    {
        RequireDatabase();
        var folder = await FolderAsync("Old locks");
        await GrantAsync(folder.Id, Group("sales", "read", "write"), Person("boss", "read", "manage"));
        var document = await UploadAsync(folder.Id, "Budget", "numbers");
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));

        // The inbox's generic "due soon" reminder leaves the check-in step alone: its process reminds when due.
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await RemindersAsync());
        await Engine.AdvanceAsync(TimeSpan.FromHours(23));
        Assert.Equal(0, await RemindersAsync());
        await Engine.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(["anna"], await RemindersAsync(recipients: true));   // due: one mail, to the holder
        await Engine.RunAsync<NotificationService, int>(s => s.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, await RemindersAsync());
        await Engine.AdvanceAsync(TimeSpan.FromDays(4));

        var events = await EventsAsync(document);
        Assert.Equal(2, events.Count(e => e == "CheckoutReminder"));   // day 1, then one late firing that stands for days 2-5   // day 1, then once for the missed days 2-5, not four times
        Assert.Contains("LockOverdue", events);
        var managerTask = Assert.Single(await Engine.OpenTasksAsync(await LockInstanceAsync(document)), t => t.ElementId == "managerReview");
        Assert.Equal(["boss"], managerTask.CandidateUsers);
    }

    [Fact]
    public async Task ReadAlone_PreviewsTheTextOnly_BytesFullTextAndCopiesNeedDownload_AndEveryPathIsRegistered()
    {
        RequireDatabase();
        var folder = await FolderAsync("Contracts to read");
        await GrantAsync(folder.Id, Group("sales", "read", "download", "write"), Person("jan", "read"));
        var target = await FolderAsync("Jan's own");
        await GrantAsync(target.Id, Person("jan", "read", "download", "write"));
        var document = await UploadAsync(folder.Id, "Umowa ramowa", "Umowa ramowa wersja pierwsza", Anna);
        var jan = EngineHarness.User("jan", "office");

        // Read alone: the preview is the extracted text as plain text, never the original bytes.
        var preview = await Engine.RunAsync<DocumentService, OpenedContent>(s => s.OpenAsync(document, 1, preview: true, jan, Office, CancellationToken.None));
        Assert.StartsWith("text/plain", preview.ContentType, StringComparison.Ordinal);
        await using (preview.Content)
        {
            Assert.Contains("wersja pierwsza", await new StreamReader(preview.Content).ReadToEndAsync(), StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<DocumentService, OpenedContent>(s => s.OpenAsync(document, 1, preview: false, jan, Office, CancellationToken.None)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<DocumentCompare, VersionComparison>(s => s.CompareAsync(document, 1, 1, jan, Office, CancellationToken.None)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateFromTemplateAsync(document, target.Id, "Copy", jan, Office, CancellationToken.None)));
        Assert.Equal(1, (await SearchAsync("ramowa", jan)).Total);

        // With download, the same paths work, each with its register row.
        await Engine.RunAsync<DocumentCompare, VersionComparison>(s => s.CompareAsync(document, 1, 1, Anna, Office, CancellationToken.None));
        await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateFromTemplateAsync(document, folder.Id, "Kopia", Anna, Office, CancellationToken.None));
        var history = await Engine.RunAsync<AccessRegister, List<RegisterRow>>(s => s.HistoryAsync(document, jan, CancellationToken.None));
        Assert.DoesNotContain(history, r => r.Kind is "SnippetShown" or "Compared" or "Copied" or "Previewed");   // reads are the register's, not every reader's
        var janRows = await Engine.RunAsync<AccessRegister, PagedList<RegisterRow>>(s => s.ListAsync(new RegisterQuery(document, "jan", null, null, null, 1, 50), EngineHarness.Admin, CancellationToken.None));
        Assert.Contains(janRows.Items, r => r.Kind == "Previewed");
        Assert.Contains(janRows.Items, r => r.Kind == "SnippetShown");
        var annaRows = await Engine.RunAsync<AccessRegister, PagedList<RegisterRow>>(s => s.ListAsync(new RegisterQuery(document, "anna", null, null, null, 1, 50), EngineHarness.Admin, CancellationToken.None));
        Assert.Contains(annaRows.Items, r => r.Kind == "Compared");
        Assert.Contains(annaRows.Items, r => r.Kind == "Copied");
    }

    [Fact]
    public async Task ProcessHistory_ShowsACheckOutsDocumentFileAndAddress_OnlyToThoseWhoMayReadTheDocument()
    {
        RequireDatabase();
        var folder = await FolderAsync("Private");
        await GrantAsync(folder.Id, Group("sales", "read", "download", "write"));
        var document = await UploadAsync(folder.Id, "Poufne", "poufna treść", Anna);
        await Engine.RunAsync<CheckOut, DocumentView>(s => s.RunAsync(document, Anna, Office, CancellationToken.None));
        await Engine.RunAsync<CheckIn, int>(s => s.RunAsync(document, Upload("poufna treść v2"), null, Anna, Office, CancellationToken.None));
        var instance = await Engine.RunAsync<CrmDbContext, Guid>(db => db.ProcessInstances.Where(i => i.ProcessKey == CheckoutProcess.Key).Select(i => i.Id).SingleAsync());
        var owner = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });

        var seen = await Engine.RunAsync<RuntimeService, InstanceView>(s => s.GetAsync(instance, owner, CancellationToken.None));
        Assert.Null(seen.Variables["documentId"]);
        Assert.Null(seen.Variables["file"]);
        var history = System.Text.Json.JsonSerializer.Serialize(await Engine.RunAsync<RuntimeService, List<HistoryView>>(s => s.HistoryAsync(instance, owner, CancellationToken.None)));
        Assert.DoesNotContain(document.ToString(), history, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.7", history, StringComparison.Ordinal);

        // The holder may read the document: she sees them.
        var hers = await Engine.RunAsync<RuntimeService, InstanceView>(s => s.GetAsync(instance, Anna, CancellationToken.None));
        Assert.Equal(document.ToString(), hers.Variables["documentId"]!.ToString());
    }

    [Fact]
    public async Task IdenticalBytes_AreStoredOnce_EveryBytePathWritesARegisterRow()
    {
        RequireDatabase();
        var folder = await FolderAsync("Templates");
        await GrantAsync(folder.Id, Group("sales", "read", "download", "write"));
        var template = await UploadAsync(folder.Id, "Offer template", "Dear customer, ...", Anna);
        var copy = await UploadAsync(folder.Id, "Offer template (copy)", "Dear customer, ...", Anna);
        var fromTemplate = await Engine.RunAsync<DocumentService, DocumentCreated>(s => s.CreateFromTemplateAsync(template, folder.Id, "Offer for ACME", Marek, Office, CancellationToken.None));

        var hashes = await Engine.RunAsync<CrmDbContext, List<string>>(db => db.DocumentVersions.Select(v => v.Sha256).Distinct().ToListAsync());
        Assert.Single(hashes);
        var again = await Engine.RunAsync<Crm.Storage.Objects.IObjectStore, Crm.Storage.Objects.StoredObject>(s => s.PutAsync(new MemoryStream("Dear customer, ..."u8.ToArray())));
        Assert.Equal(hashes[0], again.Hash.ToString());
        Assert.Equal(again.Length, await Engine.RunAsync<Crm.Storage.Objects.IObjectStore, long?>(s => s.GetSizeAsync(again.Hash)));

        await using (var download = (await Engine.RunAsync<DocumentService, OpenedContent>(s => s.OpenAsync(copy, null, preview: false, Marek, Office, CancellationToken.None))).Content)
        {
            Assert.Equal("Dear customer, ...", await new StreamReader(download).ReadToEndAsync());
        }

        await (await Engine.RunAsync<DocumentService, OpenedContent>(s => s.OpenAsync(fromTemplate.Id, 1, preview: true, Marek, Office, CancellationToken.None))).Content.DisposeAsync();
        var register = await Engine.RunAsync<AccessRegister, PagedList<RegisterRow>>(s => s.ListAsync(new RegisterQuery(null, "marek", null, null, null, 1, 50), EngineHarness.Admin, CancellationToken.None));
        var kinds = register.Items.Select(r => r.Kind).ToList();
        Assert.Contains("Downloaded", kinds);
        Assert.Contains("Previewed", kinds);
        Assert.Contains("Created", kinds);
        Assert.All(register.Items, r => Assert.Equal("10.0.0.7", r.Ip));
        Assert.Contains(register.Items, r => r.Kind == "Downloaded" && r.DocumentTitle == "Offer template (copy)" && r.Version == 1 && r.Client == "test-browser/1.0");
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<AccessRegister, PagedList<RegisterRow>>(s => s.ListAsync(new RegisterQuery(null, "marek", null, null, null, 1, 50), Anna, CancellationToken.None)));

        var workbook = await Engine.RunAsync<AccessRegister, byte[]>(s => s.ExportAsync(new RegisterQuery(copy, null, null, null, null, 1, 50), EngineHarness.Admin, CancellationToken.None));
        using var sheet = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(workbook), false);
        var text = sheet.WorkbookPart!.WorksheetParts.Single().Worksheet!.InnerText;
        Assert.Contains("Downloaded", text, StringComparison.Ordinal);
        Assert.Contains("marek", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusTransitions_AreChecked_AndCompareShowsTheChangedLines()
    {
        RequireDatabase();
        var folder = await FolderAsync("Drafts");
        var document = await UploadAsync(folder.Id, "Policy", "line one\nline two\n");
        await Engine.RunAsync<DocumentService, int>(async s => await s.AddVersionAsync(document, await s.StoreAsync(new UploadedFile("p.txt", new MemoryStream("line one\nline 2\nline three\n"u8.ToArray())), CancellationToken.None), "edit", EngineHarness.Admin, Office, CancellationToken.None));

        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<DocumentService, DocumentView>(s => s.SetStatusAsync(document, "approved", EngineHarness.Admin, Office, CancellationToken.None)));
        await Engine.RunAsync<DocumentService, DocumentView>(s => s.SetStatusAsync(document, "inreview", EngineHarness.Admin, Office, CancellationToken.None));
        var approved = await Engine.RunAsync<DocumentService, DocumentView>(s => s.SetStatusAsync(document, "approved", EngineHarness.Admin, Office, CancellationToken.None));
        Assert.Equal("Approved", approved.Status);

        var comparison = await Engine.RunAsync<DocumentCompare, VersionComparison>(s => s.CompareAsync(document, 1, 2, EngineHarness.Admin, Office, CancellationToken.None));
        Assert.Contains(comparison.Lines, l => l.Change == "deleted" && l.Text == "line two");
        Assert.Contains(comparison.Lines, l => l.Change == "inserted" && l.Text == "line three");
        Assert.Contains(comparison.Lines, l => l.Change == "unchanged" && l.Text == "line one");
    }

    [Fact]
    public async Task Outbox_ReappliedAfterACrashBeforeTheIndexCommit_LeavesTheIndexCorrect()
    {
        RequireDatabase();
        var folder = await FolderAsync("Crash");
        for (var i = 0; i < 5; i++)
        {
            await UploadAsync(folder.Id, $"Faktura {i}", $"faktura numer {i} za usługi");
        }

        var path = Path.Combine(Path.GetTempPath(), "crm-index-crash-" + Guid.NewGuid().ToString("N"));
        try
        {
            var scopes = Engine.Services.GetRequiredService<IServiceScopeFactory>();
            var first = new SearchIndex(path);
            Assert.Equal(5, await new SearchIndexer(scopes, first, TimeProvider.System).ApplyPendingAsync(CancellationToken.None, commit: false));
            first.DiscardUncommitted();   // the process died before the index commit
            first.Dispose();

            using var second = new SearchIndex(path);
            Assert.Equal(0, second.LastApplied);
            var indexer = new SearchIndexer(scopes, second, TimeProvider.System);
            Assert.Equal(5, await indexer.ApplyPendingAsync(CancellationToken.None));
            Assert.Equal(0, await indexer.ApplyPendingAsync(CancellationToken.None));
            Assert.Equal(5, second.Count());
            Assert.Equal(5, second.Search(new SearchQuery("uslugi", [], SeeAll: true)).Total);

            // Delivered again (a rebuild over the same rows): still five documents, not ten.
            await indexer.RebuildAsync(new Progress<(int, int)>(), CancellationToken.None);
            Assert.Equal(5, second.Count());
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public async Task Outbox_RowsThisNodeApplied_AreDeletedAfterTheRetention_TheRestStayAndAreAppliedNext()
    {
        RequireDatabase();
        var folder = await FolderAsync("Cleanup");
        await UploadAsync(folder.Id, "Stara faktura", "stara faktura za prąd");
        var path = Path.Combine(Path.GetTempPath(), "crm-index-cleanup-" + Guid.NewGuid().ToString("N"));
        try
        {
            var scopes = Engine.Services.GetRequiredService<IServiceScopeFactory>();
            using var index = new SearchIndex(path);
            var indexer = new SearchIndexer(scopes, index, Engine.Clock);
            while (await indexer.ApplyPendingAsync(CancellationToken.None) > 0)
            {
            }

            var applied = await Engine.RunAsync<CrmDbContext, int>(db => db.Outbox.CountAsync());
            Assert.True(applied > 0);
            Assert.Equal(0, await indexer.CleanUpAsync(CancellationToken.None));   // delivered, but not yet older than the retention

            Engine.Clock.Advance(OutboxCleanup.Retention + TimeSpan.FromHours(1));
            await UploadAsync(folder.Id, "Nowa faktura", "nowa faktura za gaz");   // not applied by this node yet
            var fresh = await Engine.RunAsync<CrmDbContext, int>(db => db.Outbox.CountAsync()) - applied;
            Assert.True(fresh > 0);
            Assert.Equal(applied, await indexer.CleanUpAsync(CancellationToken.None));
            Assert.Equal(fresh, await Engine.RunAsync<CrmDbContext, int>(db => db.Outbox.CountAsync()));

            // The next step still works: the rows left are applied and the new document is found.
            Assert.Equal(fresh, await indexer.ApplyPendingAsync(CancellationToken.None));
            Assert.Equal(1, index.Search(new SearchQuery("gaz", [], SeeAll: true)).Total);
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private async Task<int> RemindersAsync() => (await RemindersAsync(recipients: true)).Count;

    private Task<List<string?>> RemindersAsync(bool recipients) =>
        Engine.RunAsync<CrmDbContext, List<string?>>(db => db.Notifications.AsNoTracking()
            .Where(n => n.Kind == Crm.Platform.Notifications.NotificationKind.Reminder && db.UserTasks.Any(t => t.Id == n.TaskId && t.ProcessKey == CheckoutProcess.Key))
            .Select(n => n.Recipient).ToListAsync());

    private Task<Guid> LockInstanceAsync(Guid document) =>
        Engine.RunAsync<CrmDbContext, Guid>(async db => (await db.Documents.AsNoTracking().SingleAsync(d => d.Id == document)).LockInstanceId!.Value);

    private Task<List<string>> EventsAsync(Guid document) =>
        Engine.RunAsync<CrmDbContext, List<string>>(async db => (await db.DocumentEvents.AsNoTracking().Where(e => e.DocumentId == document).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync()).Select(k => k.ToString()).ToList());
}

public sealed class DocumentOnSqliteTests() : DocumentTests(DatabaseProvider.Sqlite);

public sealed class DocumentOnPostgreSqlTests() : DocumentTests(DatabaseProvider.PostgreSql);
