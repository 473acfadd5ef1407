using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Xunit;

namespace Crm.Server.Tests.Identity;

/// <summary>The identity API end to end, run once on SQLite and once on PostgreSQL.</summary>
public abstract class IdentityApiTests(DatabaseProvider provider) : ServerTestBase(provider, new Dictionary<string, string?>
{
    ["Crm:SignIn:MaxFailedAttempts"] = "3",
})
{
    [Fact]
    public async Task Token_WithCorrectPassword_IdentifiesUserWithRolesAndGroups()
    {
        using var client = await App.CreateClientAsAsync("anna");

        var me = await client.GetFromJsonAsync<MeResponse>("/api/users/me");

        Assert.Equal("anna", me!.UserName);
        Assert.Equal("Anna Nowak", me.DisplayName);
        Assert.Equal(["staff"], me.Roles);
        Assert.Equal(["complaints", "sales"], me.Groups);
    }

    [Fact]
    public async Task Health_ReportsTheConfiguredDatabase()
    {
        using var client = App.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal(Provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL", health.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Token_WithWrongPassword_Returns401Problem()
    {
        using var client = App.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/token", new TokenRequest("anna", "not-the-password"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_AfterRepeatedFailures_LocksAccountEvenForCorrectPassword()
    {
        using var client = App.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.PostAsJsonAsync("/api/auth/token", new TokenRequest("jan", "guess-" + i));
        }

        var response = await client.PostAsJsonAsync("/api/auth/token", new TokenRequest("jan", CrmAppFactory.DemoPassword));

        var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("locked", problem.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(response.Headers.RetryAfter is not null);
        // Other accounts are unaffected.
        using var other = await App.CreateClientAsAsync("marek");
    }

    [Fact]
    public async Task Api_WithoutAuthentication_Returns401Problem()
    {
        using var client = App.CreateClient();

        await AssertProblemAsync(await client.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await client.GetAsync("/api/groups"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Api_WithUnknownBearerToken_Returns401()
    {
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "crm_thisisnotarealtoken");

        await AssertProblemAsync(await client.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Users_ListAsStaff_Returns403Problem()
    {
        using var client = await App.CreateClientAsAsync("anna");

        await AssertProblemAsync(await client.GetAsync("/api/users"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/groups", new NewGroup("x-team", "X")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Users_CreatedByAdmin_CanSignInAndAppearsInList()
    {
        using var admin = await App.CreateClientAsAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/users", new NewUser("zofia", "Zofia Mazur", "zofia@example.com", "Secret-123", ["staff", "compliance"], ["office"]));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var zofia = await App.CreateClientAsAsync("zofia", "Secret-123");
        var me = await zofia.GetFromJsonAsync<MeResponse>("/api/users/me");
        Assert.Equal(["compliance", "staff"], me!.Roles);
        Assert.Equal(["office"], me.Groups);
        var users = await admin.GetFromJsonAsync<List<UserView>>("/api/users");
        Assert.Contains(users!, u => u.UserName == "zofia");
    }

    [Fact]
    public async Task Users_CreateWithBadInput_Returns400WithEveryFieldError()
    {
        using var admin = await App.CreateClientAsAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/users", new NewUser("a b", "", null, "short", ["wizard"], ["no-such-group"]));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "userName", "displayName", "password", "roles", "groups" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"missing error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task Users_CreateSameNameConcurrently_ExactlyOneWins()
    {
        using var admin = await App.CreateClientAsAsync("admin");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            admin.PostAsJsonAsync("/api/users", new NewUser(i % 2 == 0 ? "Twin" : "twin", "Twin " + i, null, "Secret-123", ["staff"]))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Fact]
    public async Task Groups_CreateAndManageMembers_ReflectsInMe()
    {
        using var admin = await App.CreateClientAsAsync("admin");
        using var anna = await App.CreateClientAsAsync("anna");
        var annaId = (await anna.GetFromJsonAsync<MeResponse>("/api/users/me"))!.Id;

        var created = await admin.PostAsJsonAsync("/api/groups", new NewGroup("key-accounts", "Key accounts"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = (await created.Content.ReadFromJsonAsync<GroupView>())!;
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/groups", new NewGroup("key-accounts", "Again"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/groups/{group.Id}/members/{annaId}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/groups/{group.Id}/members/{annaId}", null)).StatusCode);
        Assert.Contains("key-accounts", (await anna.GetFromJsonAsync<MeResponse>("/api/users/me"))!.Groups);
        var members = await admin.GetFromJsonAsync<List<UserView>>($"/api/groups/{group.Id}/members");
        Assert.Equal(["anna"], members!.Select(m => m.UserName));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/groups/{group.Id}/members/{annaId}")).StatusCode);
        Assert.DoesNotContain("key-accounts", (await anna.GetFromJsonAsync<MeResponse>("/api/users/me"))!.Groups);
        await AssertProblemAsync(await admin.DeleteAsync($"/api/groups/{group.Id}/members/{annaId}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PutAsync($"/api/groups/{Guid.NewGuid()}/members/{annaId}", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ApiTokens_CreateListUseAndRevoke()
    {
        using var anna = await App.CreateClientAsAsync("anna");

        var created = await anna.PostAsJsonAsync("/api/tokens", new CreateApiTokenRequest("nightly import", 30));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = (await created.Content.ReadFromJsonAsync<IssuedToken>())!;

        using var script = App.CreateClient();
        script.DefaultRequestHeaders.Authorization = new("Bearer", issued.Token);
        Assert.Equal("anna", (await script.GetFromJsonAsync<MeResponse>("/api/users/me"))!.UserName);

        var listed = await anna.GetFromJsonAsync<List<TokenSummary>>("/api/tokens");
        var summary = Assert.Single(listed!);
        Assert.Equal("nightly import", summary.Name);
        Assert.DoesNotContain(issued.Token, await anna.GetStringAsync("/api/tokens"), StringComparison.Ordinal);

        // Another user can neither see nor revoke it.
        using var marek = await App.CreateClientAsAsync("marek");
        Assert.Empty((await marek.GetFromJsonAsync<List<TokenSummary>>("/api/tokens"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await marek.DeleteAsync($"/api/tokens/{issued.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await anna.DeleteAsync($"/api/tokens/{issued.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/users/me")).StatusCode);
        Assert.Empty((await anna.GetFromJsonAsync<List<TokenSummary>>("/api/tokens"))!);
    }

    [Fact]
    public async Task Data_SurvivesRestartOnSameDatabase()
    {
        using (var admin = await App.CreateClientAsAsync("admin"))
        {
            var created = await admin.PostAsJsonAsync("/api/users", new NewUser("persisted", "Persisted User", null, "Secret-123", ["staff"]));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await RestartServerAsync();
        using var again = await App.CreateClientAsAsync("persisted", "Secret-123");
        Assert.Equal("Persisted User", (await again.GetFromJsonAsync<MeResponse>("/api/users/me"))!.DisplayName);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

public sealed class IdentityApiOnSqliteTests() : IdentityApiTests(DatabaseProvider.Sqlite);

public sealed class IdentityApiOnPostgreSqlTests() : IdentityApiTests(DatabaseProvider.PostgreSql);
