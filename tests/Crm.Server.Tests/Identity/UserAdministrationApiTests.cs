using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Identity;

/// <summary>The user lifecycle an admin runs (edit, disable, reset, unlock, hand tasks on) and every user's own password, over HTTP.</summary>
public abstract class UserAdministrationApiTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?>
{
    ["Crm:SignIn:MaxFailedAttempts"] = "25",
    ["Crm:SignIn:MaxApiTokenLifetime"] = "30.00:00:00",
})
{
    private const string Process = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:crm="http://workflow-crm.org/schema/bpmn/1.0" targetNamespace="t" id="d">
          <process id="leaver-work" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <userTask id="work" name="Call the customer back" crm:assignee="jan"/>
            <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """;

    [Fact]
    public async Task DisablingALeaver_RejectsTheirTokenAtOnce_ListsTheirTasks_AndHandsThemToSomeoneWhoCompletesThem()
    {
        using var admin = await App.CreateClientAsAsync("admin");
        using var jan = await App.CreateClientAsAsync("jan");
        (await admin.PostAsync("/api/process-definitions", new StringContent(Process, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();
        for (var i = 0; i < 2; i++)
        {
            (await admin.PostAsJsonAsync("/api/process-instances", new { processKey = "leaver-work", businessKey = $"CB-{i}" })).EnsureSuccessStatusCode();
        }

        var janId = await UserIdAsync(admin, "jan");
        Assert.Equal(HttpStatusCode.OK, (await jan.GetAsync("/api/users/me")).StatusCode);

        var disabled = await (await admin.PostAsync($"/api/users/{janId}/disable", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(disabled.GetProperty("user").GetProperty("isActive").GetBoolean());
        Assert.Equal(2, disabled.GetProperty("openTasks").GetArrayLength());
        Assert.Equal(HttpStatusCode.Unauthorized, (await jan.GetAsync("/api/users/me")).StatusCode);   // the very next request
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().PostAsJsonAsync("/api/auth/token", new TokenRequest("jan", CrmAppFactory.DemoPassword))).StatusCode);

        var refused = await admin.PostAsJsonAsync($"/api/users/{janId}/reassign-tasks", new { userName = "nobody" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var handed = await (await admin.PostAsJsonAsync($"/api/users/{janId}/reassign-tasks", new { userName = "marek" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, handed.GetProperty("count").GetInt32());
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{janId}");
        Assert.Equal(0, after.GetProperty("openTasks").GetArrayLength());

        // Marek works them as his own.
        using var marek = await App.CreateClientAsAsync("marek");
        var mine = await marek.GetFromJsonAsync<JsonElement>("/api/tasks?assignee=marek&processKey=leaver-work");
        var items = mine.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, t => Assert.Equal("marek", t.GetProperty("assignee").GetString()));
        (await marek.PostAsJsonAsync($"/api/tasks/{items[0].GetProperty("id").GetString()}/complete", new { })).EnsureSuccessStatusCode();
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/process-instances/{items[1].GetProperty("instanceId").GetString()}/history");
        Assert.Contains(history.EnumerateArray(), h => h.GetProperty("type").GetString() == "TaskReassigned");

        // Enabled again, Jan signs in again.
        (await admin.PostAsync($"/api/users/{janId}/enable", null)).EnsureSuccessStatusCode();
        using var back = await App.CreateClientAsAsync("jan");
    }

    [Fact]
    public async Task AdminEditsRolesGroupsAndSupervisor_ACircleAndTheLastAdminAreRefused()
    {
        using var admin = await App.CreateClientAsAsync("admin");
        var anna = await UserIdAsync(admin, "anna");
        var marek = await UserIdAsync(admin, "marek");
        var adminId = await UserIdAsync(admin, "admin");

        var edited = await admin.PutAsJsonAsync($"/api/users/{anna}", new { displayName = "Anna Nowak-Kowalska", email = "anna@example.com", roles = L("staff", "compliance"), groups = L("sales"), managerId = marek });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var view = await edited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["compliance", "staff"], view.GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(["sales"], view.GetProperty("user").GetProperty("groups").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(marek.ToString(), view.GetProperty("managerId").GetString());

        // Her new roles and groups hold on her next request.
        using var annaClient = await App.CreateClientAsAsync("anna");
        var me = await annaClient.GetFromJsonAsync<MeResponse>("/api/users/me");
        Assert.Contains("compliance", me!.Roles);
        Assert.DoesNotContain("complaints", me.Groups);

        var circle = await admin.PutAsJsonAsync($"/api/users/{marek}", new { displayName = "Marek", roles = L("staff"), groups = Array.Empty<string>(), managerId = anna });
        Assert.Equal(HttpStatusCode.BadRequest, circle.StatusCode);
        Assert.Contains("circle", await circle.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Kasia gives up her admin role (another admin is left); then the last one cannot.
        var kasia = await UserIdAsync(admin, "kasia");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{kasia}", new { displayName = "Katarzyna Wójcik", roles = L("staff"), groups = L("office") })).StatusCode);
        var lastAdmin = await admin.PutAsJsonAsync($"/api/users/{adminId}", new { displayName = "Administrator", roles = L("staff"), groups = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, lastAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/users/{adminId}/disable", null)).StatusCode);

        using var staff = await App.CreateClientAsAsync("anna");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/api/users/{marek}/disable", null)).StatusCode);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        Assert.Contains(await db.AuditLog.Where(a => a.SubjectId == anna.ToString()).Select(a => a.Action).ToListAsync(), a => a == "identity.user-edited");
    }

    [Fact]
    public async Task ResetPassword_GivesATemporaryOneThatMustBeChanged_OwnChangeNeedsTheCurrentOne_AndEndsOtherSessions()
    {
        using var admin = await App.CreateClientAsAsync("admin");
        var piotr = await UserIdAsync(admin, "piotr");
        using var oldSession = await App.CreateClientAsAsync("piotr");

        var reset = await (await admin.PostAsync($"/api/users/{piotr}/reset-password", null)).Content.ReadFromJsonAsync<TemporaryPasswordResponse>();
        Assert.Equal(12, reset!.TemporaryPassword.Length);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>($"/api/users/{piotr}")).GetProperty("mustChangePassword").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldSession.GetAsync("/api/users/me")).StatusCode);   // tokens issued before a reset end with it
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().PostAsJsonAsync("/api/auth/token", new TokenRequest("piotr", CrmAppFactory.DemoPassword))).StatusCode);

        using var piotrClient = await App.CreateClientAsAsync("piotr", reset.TemporaryPassword);
        var gated = await piotrClient.GetAsync("/api/counterparties");
        Assert.Equal(HttpStatusCode.Forbidden, gated.StatusCode);   // a temporary password opens no API but changing it
        Assert.Contains("Change your password first", await gated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await piotrClient.GetAsync("/api/users/me")).StatusCode);
        var wrong = await piotrClient.PostAsJsonAsync("/api/users/me/password", new { currentPassword = "not-it", newPassword = "Piotr-New-2026" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var tooShort = await piotrClient.PostAsJsonAsync("/api/users/me/password", new { currentPassword = reset.TemporaryPassword, newPassword = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        (await piotrClient.PostAsJsonAsync("/api/users/me/password", new { currentPassword = reset.TemporaryPassword, newPassword = "Piotr-New-2026" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await piotrClient.GetAsync("/api/users/me")).StatusCode);   // its session token ended with the old password
        using var fresh = await App.CreateClientAsAsync("piotr", "Piotr-New-2026");
        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/users/{piotr}")).GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task TwentyParallelFailedSignIns_CountExactly_AndTheLockAnswersAlikeForUnknownNames()
    {
        await using (var warm = App.Services.CreateAsyncScope())
        {
            await warm.ServiceProvider.GetRequiredService<CrmDbContext>().Users.CountAsync();
        }

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<SignInService>().PasswordSignInAsync("ewa", "wrong-" + i);
        });
        var results = await Task.WhenAll(attempts);

        await using var check = App.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<CrmDbContext>();
        var ewa = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "ewa");
        Assert.Equal(20, ewa.FailedSignInCount);   // none lost to a race
        Assert.All(results, r => Assert.Equal(SignInOutcome.Invalid, r.Outcome));
        Assert.Equal(20, await db.AuditLog.CountAsync(a => a.Action == "auth.sign-in-failed" && a.SubjectId == ewa.Id.ToString()));

        var signIn = check.ServiceProvider.GetRequiredService<SignInService>();
        for (var i = 0; i < 5; i++)
        {
            await signIn.PasswordSignInAsync("ewa", "still-wrong");
        }

        Assert.Equal(SignInOutcome.LockedOut, (await signIn.PasswordSignInAsync("ewa", CrmAppFactory.DemoPassword)).Outcome);
        ewa = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "ewa");
        var outcomes = new List<SignInOutcome>();
        for (var i = 0; i < 25; i++)
        {
            outcomes.Add((await signIn.PasswordSignInAsync("no-such-person-" + Provider, "x")).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, outcomes[^1]);   // a name that is no account locks like a real one

        // The admin lifts the lock.
        using var admin = await App.CreateClientAsAsync("admin");
        var unlocked = await (await admin.PostAsync($"/api/users/{ewa.Id}/unlock", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, unlocked.GetProperty("lockedUntil").ValueKind);
        using var ewaClient = await App.CreateClientAsAsync("ewa");
    }

    [Fact]
    public async Task ApiTokens_AlwaysExpire_AtMostAfterTheAdminsMaximum()
    {
        using var anna = await App.CreateClientAsAsync("anna");
        var unlimited = await (await anna.PostAsJsonAsync("/api/tokens", new { name = "script" })).Content.ReadFromJsonAsync<JsonElement>();
        var expires = unlimited.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        // A token from before every token expired: it lives at most the maximum from its creation.
        const string legacy = "crm_legacy-token-from-an-older-version-0123456789";
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var annaId = await db.Users.Where(u => u.UserName == "anna").Select(u => u.Id).SingleAsync();
            db.ApiTokens.Add(new ApiToken
            {
                UserId = annaId, Kind = ApiTokenKind.Named, Name = "old script", Prefix = legacy[..10], CreatedAt = DateTimeOffset.UtcNow.AddDays(-40),
                TokenHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(legacy))),
            });
            await db.SaveChangesAsync();
        }

        using var old = App.CreateClient();
        old.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", legacy);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/users/me")).StatusCode);   // 40 days > the 30 allowed here

        var tooLong = await anna.PostAsJsonAsync("/api/tokens", new { name = "forever", expiresInDays = 400 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("expiresInDays", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoAdminsRemovingEachOtherAtOnce_LeaveOneAdmin_WhoWorksOn()
    {
        using var admin = await App.CreateClientAsAsync("admin");
        using var kasia = await App.CreateClientAsAsync("kasia");
        var adminId = await UserIdAsync(admin, "admin");
        var kasiaId = await UserIdAsync(admin, "kasia");
        for (var round = 0; round < 3; round++)
        {
            // Each demotes the other at the same instant: exactly one may win.
            var results = await Task.WhenAll(
                admin.PutAsJsonAsync($"/api/users/{kasiaId}", new { displayName = "Katarzyna Wójcik", roles = L("staff"), groups = L("office") }),
                kasia.PutAsJsonAsync($"/api/users/{adminId}", new { displayName = "Administrator", roles = L("staff"), groups = Array.Empty<string>() }));
            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            // The other is refused: the last admin (400), or no longer an admin by the time it is authorised (403).
            Assert.Equal(1, results.Count(r => r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden));

            // The one left is an admin and works on: gives the other the role back for the next round.
            var (winner, loserId) = results[0].StatusCode == HttpStatusCode.OK ? (admin, kasiaId) : (kasia, adminId);
            Assert.Equal(HttpStatusCode.OK, (await winner.GetAsync("/api/users")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await winner.PutAsJsonAsync($"/api/users/{loserId}",
                loserId == kasiaId ? new { displayName = "Katarzyna Wójcik", roles = L("admin", "staff"), groups = L("office") }
                    : new { displayName = "Administrator", roles = L("admin"), groups = Array.Empty<string>() })).StatusCode);
        }

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        Assert.Equal(2, await db.UserRoles.CountAsync(r => r.Role == "admin"));
    }

    private static string[] L(params string[] values) => values;

    private static async Task<Guid> UserIdAsync(HttpClient admin, string userName) =>
        (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.UserName == userName).Id;
}

public sealed class UserAdministrationApiOnSqliteTests() : UserAdministrationApiTests(DatabaseProvider.Sqlite);

public sealed class UserAdministrationApiOnPostgreSqlTests() : UserAdministrationApiTests(DatabaseProvider.PostgreSql);
