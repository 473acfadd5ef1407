using Crm.Platform.Common;
using Crm.Platform.Audit;
using Crm.Workflow.Common;
using Crm.Modules.Documents;
using Crm.Platform.Identity;
using Crm.Modules.Knowledge;
using Crm.Platform.Notifications;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
using Microsoft.EntityFrameworkCore;
using Xunit;
using TaskStatus = Crm.Workflow.Tasks.TaskStatus;

namespace Crm.Engine.Tests.Knowledge;

/// <summary>Articles through review, mandatory reading with reminders and escalation on simulated time, re-reading, withdrawal, joiners, and the audit chain.</summary>
public abstract class KnowledgeScenarioTests(DatabaseProvider provider) : EngineTestBase(provider)
{
    private static readonly CurrentUser Compliance = new(Guid.NewGuid(), "ewa", new HashSet<string> { Roles.Compliance }, new HashSet<string>());
    private static readonly AccessContext Browser = new("10.1.2.3", "test-browser");

    private async Task<Guid> PublishedArticleAsync(string title = "Data protection policy", string body = "# Rules\n\nLock your screen.")
    {
        var created = await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.CreateAsync(new CreateArticleRequest(title, body, "Quality/Policies", "gdpr", null), Compliance, default));
        await PublishWorkingVersionAsync(created.Id);
        return created.Id;
    }

    private async Task PublishWorkingVersionAsync(Guid articleId)
    {
        await Engine.RunAsync<PublishArticle, ArticleCreated>(s => s.SubmitAsync(articleId, Compliance, default));
        var review = await Engine.RunAsync<CrmDbContext, UserTask>(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.ProcessKey == ArticleService.PublishProcess && t.Status == TaskStatus.Open));
        var reviewer = new CurrentUser(Guid.NewGuid(), "piotr", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string> { "process-owners" });
        await Engine.RunAsync<TaskService, TaskView>(s => s.ClaimAsync(review.Id, reviewer, default));
        await Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(review.Id, EngineHarness.Vars(new { decision = "publish", comment = "ok" }), reviewer, default));
    }

    private async Task<List<string>> CreateReadersAsync(string group, int count, string? manager = null)
    {
        var names = Enumerable.Range(1, count).Select(i => $"{group}-{i:D4}").ToList();
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            var managerId = manager is null ? (Guid?)null : await db.Users.Where(u => u.UserName == manager).Select(u => u.Id).SingleAsync();
            var entity = new Group { Name = group, DisplayName = group };
            db.Groups.Add(entity);
            foreach (var name in names)
            {
                var user = new User { UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name, PasswordHash = "-", ManagerId = managerId };
                db.Users.Add(user);
                db.GroupMembers.Add(new GroupMember { GroupId = entity.Id, UserId = user.Id });
            }

            await db.SaveChangesAsync();
        });
        return names;
    }

    private static CurrentUser Reader(string name) => EngineHarness.User(name);

    private Task<AssignmentView> AssignmentAsync(Guid id) => Engine.RunAsync<ReadingService, AssignmentView>(s => s.GetAsync(id, Compliance, default));

    [Fact]
    public async Task GroupOf1000_GetsOneTaskEach_ConfirmNeedsOpenFirst_AndIsRecorded()
    {
        RequireDatabase();
        var articleId = await PublishedArticleAsync();
        var readers = await CreateReadersAsync("all-staff", 1000);

        var created = await Engine.RunAsync<ReadingService, AssignmentCreated>(s => s.CreateAsync(
            new CreateAssignmentRequest(articleId, null, null, ["all-staff"], Engine.Clock.GetUtcNow().AddDays(7)), Compliance, default));
        Assert.Equal(1000, created.Readers);
        var openTasks = await Engine.RunAsync<CrmDbContext, int>(db => db.UserTasks.CountAsync(t => t.FormKey == ReadingService.ReadingFormKey && t.Status == TaskStatus.Open));
        Assert.Equal(1000, openTasks);

        var first = Reader(readers[0]);
        var notOpened = await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, first, Browser, default)));
        Assert.Contains("Open the article first", notOpened.Message, StringComparison.Ordinal);
        // The generic complete cannot stand in for the confirmation.
        var task = await Engine.RunAsync<CrmDbContext, UserTask>(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.Assignee == first.UserName && t.Status == TaskStatus.Open));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<CompleteTask, TaskView>(s => s.RunAsync(task.Id, null, first, default)));

        var opened = await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, first, Browser, default));
        Assert.True(opened.Required);
        Assert.Equal("1.0", opened.Version);
        var confirmation = await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, first, Browser, default));
        Assert.Equal(("1.0", first.UserName), (confirmation.Version, confirmation.UserName));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, first, Browser, default)));   // not required any more

        var stored = await Engine.RunAsync<CrmDbContext, ReadConfirmation>(db => db.ReadConfirmations.AsNoTracking().SingleAsync());
        Assert.Equal(("10.1.2.3", "test-browser", created.Id), (stored.Ip, stored.Client, stored.AssignmentId!.Value));
        Assert.Equal(TaskStatus.Completed, (await Engine.RunAsync<CrmDbContext, UserTask>(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id))).Status);
        var view = await AssignmentAsync(created.Id);
        Assert.Equal(1, view.Readers.Count(r => r.Status == "confirmed"));
        Assert.Equal(999, view.Readers.Count(r => r.Status == "pending"));
        await Assert.ThrowsAsync<ConflictException>(() => Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader("anna"), Browser, default)));   // not in the audience
    }

    [Fact]
    public async Task Reminder_BeforeDeadline_Escalation_AfterIt_ThenCompletion()
    {
        RequireDatabase();
        var articleId = await PublishedArticleAsync();
        var readers = await CreateReadersAsync("team", 3, manager: "boss");
        var start = Engine.Clock.GetUtcNow();
        var created = await Engine.RunAsync<ReadingService, AssignmentCreated>(s => s.CreateAsync(
            new CreateAssignmentRequest(articleId, "1.0", null, ["team"], start.AddDays(3)), Compliance, default));
        await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, Reader(readers[0]), Browser, default));
        await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader(readers[0]), Browser, default));

        Task<List<Notification>> NotificationsAsync(string kind) =>
            Engine.RunAsync<CrmDbContext, List<Notification>>(db => db.Notifications.AsNoTracking().Where(n => n.Kind == kind).ToListAsync());

        await Engine.AdvanceAsync(TimeSpan.FromDays(1.9));            // reminder is due at 2 days (deadline minus one day)
        Assert.Empty(await NotificationsAsync(NotificationKind.Reminder));
        await Engine.AdvanceAsync(TimeSpan.FromDays(0.2));
        var reminders = await NotificationsAsync(NotificationKind.Reminder);
        Assert.Equal(readers.Skip(1).Order(), reminders.Select(r => r.Recipient!).Order());   // the one who confirmed is not reminded

        await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, Reader(readers[1]), Browser, default));
        await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader(readers[1]), Browser, default));
        Assert.Empty(await NotificationsAsync(NotificationKind.Escalation));
        await Engine.AdvanceAsync(TimeSpan.FromDays(1));              // past the deadline
        var escalations = await NotificationsAsync(NotificationKind.Escalation);
        Assert.Equal("boss", Assert.Single(escalations).Recipient);
        Assert.Equal("overdue", (await AssignmentAsync(created.Id)).Readers.Single(r => r.UserId == readers[2]).Status);

        await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, Reader(readers[2]), Browser, default));
        await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader(readers[2]), Browser, default));
        var done = await AssignmentAsync(created.Id);
        Assert.Equal("Completed", done.Status);
        var instances = await Engine.RunAsync<CrmDbContext, List<InstanceStatus>>(db => db.ProcessInstances.AsNoTracking().Where(i => i.ProcessKey == ReadingService.ReadingProcess).Select(i => i.Status).ToListAsync());
        Assert.All(instances, s => Assert.NotEqual(InstanceStatus.Active, s));
    }

    [Fact]
    public async Task MajorVersion_ReTriggersReading_Withdraw_EndsTasks_Joiner_GetsRequirement()
    {
        RequireDatabase();
        var articleId = await PublishedArticleAsync();
        var readers = await CreateReadersAsync("office-2", 2);
        var first = await Engine.RunAsync<ReadingService, AssignmentCreated>(s => s.CreateAsync(
            new CreateAssignmentRequest(articleId, null, ["anna"], ["office-2"], Engine.Clock.GetUtcNow().AddDays(5)), Compliance, default));
        Assert.Equal(3, first.Readers);
        foreach (var name in readers.Append("anna"))
        {
            await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, Reader(name), Browser, default));
            await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader(name), Browser, default));
        }

        Assert.Equal("Completed", (await AssignmentAsync(first.Id)).Status);

        // A minor edit does not require re-reading; a major one does, for the same audience.
        await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.UpdateAsync(articleId, new UpdateArticleRequest(null, "# Rules\n\nLock your screen. Typo fixed.", null, null, null), Compliance, default));
        await PublishWorkingVersionAsync(articleId);
        Assert.Single(await Engine.RunAsync<ReadingService, List<ReadingAssignment>>(s => s.ListAsync(articleId, Compliance, default)));
        var major = await Engine.RunAsync<ArticleService, ArticleCreated>(s => s.UpdateAsync(articleId, new UpdateArticleRequest(null, "# Rules\n\nNew: use a password manager.", null, null, null, Major: true), Compliance, default));
        Assert.Equal("2.0", major.Version);
        await PublishWorkingVersionAsync(articleId);
        var all = await Engine.RunAsync<ReadingService, List<ReadingAssignment>>(s => s.ListAsync(articleId, Compliance, default));
        var reread = Assert.Single(all, a => a.Version == "2.0");
        Assert.Equal(first.Id, reread.PreviousAssignmentId);
        var rereadView = await AssignmentAsync(reread.Id);
        Assert.Equal(3, rereadView.Readers.Count(r => r.Status == "pending"));
        Assert.Equal("2.0", (await Engine.RunAsync<ArticleService, ArticleView>(s => s.GetAsync(articleId, false, Reader("anna"), default))).Version);

        // Someone joining the group before the cut-off gets the requirement too.
        var newcomer = await Engine.RunAsync<CrmDbContext, Guid>(async db =>
        {
            var user = new User { UserName = "newcomer", NormalizedUserName = "NEWCOMER", DisplayName = "New", PasswordHash = "-" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user.Id;
        });
        var groupId = await Engine.RunAsync<CrmDbContext, Guid>(db => db.Groups.Where(g => g.Name == "office-2").Select(g => g.Id).SingleAsync());
        await Engine.RunAsync<UserDirectory>(d => d.AddMemberAsync(groupId, newcomer));
        Assert.Contains((await AssignmentAsync(reread.Id)).Readers, r => r.UserId == "newcomer" && r.Status == "pending");
        Assert.Single(await Engine.RunAsync<ReadingService, List<PendingReading>>(s => s.PendingForAsync("newcomer", default)));

        // Withdrawing ends every open task of the assignment; nothing confirmed is lost.
        var withdrawn = await Engine.RunAsync<ReadingService, AssignmentView>(s => s.WithdrawAsync(reread.Id, Compliance, default));
        Assert.Equal("Withdrawn", withdrawn.Status);
        Assert.All(withdrawn.Readers, r => Assert.Equal("withdrawn", r.Status));
        var open = await Engine.RunAsync<CrmDbContext, int>(db => db.UserTasks.CountAsync(t => t.FormKey == ReadingService.ReadingFormKey && t.Status == TaskStatus.Open));
        Assert.Equal(0, open);
        Assert.Equal(3, await Engine.RunAsync<CrmDbContext, int>(db => db.ReadConfirmations.CountAsync()));
    }

    [Fact]
    public async Task AuditChain_Verifies_AndNamesTheFirstTamperedRow()
    {
        RequireDatabase();
        var articleId = await PublishedArticleAsync();
        await CreateReadersAsync("auditors", 2);
        await Engine.RunAsync<ReadingService, AssignmentCreated>(s => s.CreateAsync(new CreateAssignmentRequest(articleId, null, null, ["auditors"], Engine.Clock.GetUtcNow().AddDays(2)), Compliance, default));
        await Engine.RunAsync<ReadingService, OpenResult>(s => s.OpenAsync(articleId, Reader("auditors-0001"), Browser, default));
        await Engine.RunAsync<ReadingService, ConfirmationView>(s => s.ConfirmAsync(articleId, Reader("auditors-0001"), Browser, default));

        var clean = await Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Compliance, default));
        Assert.True(clean.Ok);
        var actions = await Engine.RunAsync<CrmDbContext, List<string>>(db => db.AuditLog.AsNoTracking().OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync());
        Assert.Contains("process.deploy", actions);
        Assert.Contains("task.complete", actions);
        Assert.Contains("kb.open", actions);
        Assert.Contains("kb.confirm-read", actions);
        Assert.Equal(actions.Count, clean.Checked);
        var target = await Engine.RunAsync<CrmDbContext, long>(db => db.AuditLog.Where(a => a.Action == "kb.confirm-read").Select(a => a.Sequence).SingleAsync());

        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            // The application cannot change the trail ...
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Actor\" = 'someone-else' WHERE \"Sequence\" = {target}"));
            // ... someone with the power to disable the guard can, and the check finds it.
            if (db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("DROP TRIGGER audit_log_no_update");
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update");
            }

            await db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Actor\" = 'someone-else' WHERE \"Sequence\" = {target}");
        });
        var tampered = await Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Compliance, default));
        Assert.False(tampered.Ok);
        Assert.Equal(target, tampered.FirstBrokenId);
        await Assert.ThrowsAsync<ForbiddenException>(() => Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Reader("anna"), default)));
    }

    [Fact]
    public async Task AuditChain_KeyedAndAnchored_DetectsRewritingAndDeletingTheNewestRows_AndRecordsRealActors()
    {
        RequireDatabase();
        using (AuditActor.Begin("kasia"))
        {
            await Engine.RunAsync<Crm.Platform.Identity.UserDirectory>(async users =>
            {
                var group = await users.CreateGroupAsync(new Crm.Platform.Identity.NewGroup("auditors-x", "Auditors X"));
                var anna = (await users.ListUsersAsync()).Single(u => u.UserName == "anna");
                await users.AddMemberAsync(group.Id, anna.Id);
            });
        }

        await PublishedArticleAsync();
        var membership = await Engine.RunAsync<CrmDbContext, string>(db => db.AuditLog.AsNoTracking().Where(a => a.Action == "identity.member-grant").OrderByDescending(a => a.Sequence).Select(a => a.Actor).FirstAsync());
        Assert.Equal("kasia", membership);
        Assert.NotNull(await Engine.RunAsync<AuditCheckpoints, AuditCheckpoint?>(c => c.WriteAsync(default)));
        Assert.True((await Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Compliance, default))).Ok);

        // Someone with the database's powers recomputes a row's plain hash after changing it: the keyed hash says no.
        var head = await Engine.RunAsync<CrmDbContext, AuditEntry>(db => db.AuditLog.AsNoTracking().OrderByDescending(a => a.Sequence).FirstAsync());
        await Engine.RunAsync<CrmDbContext>(async db =>
        {
            await DropGuardsAsync(db);
            head.Actor = "someone-else";
            var forged = head.ComputeHash();
            await db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Actor\" = 'someone-else', \"Hash\" = {forged} WHERE \"Sequence\" = {head.Sequence}");
        });
        var rewritten = await Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Compliance, default));
        Assert.False(rewritten.Ok);
        Assert.Equal(head.Sequence, rewritten.FirstBrokenId);

        // ... or deletes the newest rows: the chain alone still holds, the checkpoint in object storage does not.
        await Engine.RunAsync<CrmDbContext>(async db => await db.Database.ExecuteSqlAsync($"DELETE FROM audit_log WHERE \"Sequence\" >= {head.Sequence - 1}"));
        var truncated = await Engine.RunAsync<AuditVerifier, AuditVerification>(v => v.VerifyAsync(Compliance, default));
        Assert.False(truncated.Ok);
        Assert.Contains("deleted", truncated.Reason, StringComparison.Ordinal);
    }

    private static async Task DropGuardsAsync(CrmDbContext db)
    {
        if (db.IsSqlite)
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS audit_log_no_update");
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS audit_log_no_delete");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_log DISABLE TRIGGER USER");
        }
    }
}

public sealed class KnowledgeScenarioOnSqliteTests() : KnowledgeScenarioTests(DatabaseProvider.Sqlite);

public sealed class KnowledgeScenarioOnPostgreSqlTests() : KnowledgeScenarioTests(DatabaseProvider.PostgreSql);
