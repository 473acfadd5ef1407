using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Crm.Server.Tests.Hosting;

/// <summary>Cross-cutting host behaviour: health, OpenAPI, problem details, public vs protected routes, language.</summary>
public sealed class HostTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(DatabaseProvider.Sqlite);
    private CrmAppFactory? _app;

    private CrmAppFactory App => _app ??= new CrmAppFactory(_database);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Health_IsAnonymous_AndChecksDatabaseAndObjectStore()
    {
        using var client = App.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("object-store").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_RequiresAuthentication_AndDescribesIdentityRoutes()
    {
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);

        using var client = await App.CreateClientAsAsync("anna");
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/token", "/api/users/me", "/api/users", "/api/groups", "/api/tokens" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());

        var ui = await client.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("text/html", ui.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApiRoute_ReturnsProblem404()
    {
        using var client = await App.CreateClientAsAsync("anna");

        var response = await client.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task MalformedJson_ReturnsProblem400()
    {
        using var client = App.CreateClient();

        var response = await client.PostAsync("/api/auth/token", new StringContent("{\"userName\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pages_RedirectToSignIn_WhileSignInPageAndAssetsArePublic()
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/signin", home.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var signIn = await client.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var html = await signIn.Content.ReadAsStringAsync();
        Assert.Contains("Demo123!", html, StringComparison.Ordinal);   // the demo badge tells visitors how to sign in

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_framework/blazor.web.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_content/MudBlazor/MudBlazor.min.css")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task CultureSwitch_SetsPolishTexts_AndRefusesForeignRedirects()
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var toForeign = await client.GetAsync("/culture/pl?returnUrl=//evil.example.com/");
        Assert.Equal("/", toForeign.Headers.Location!.OriginalString);

        var html = await client.GetStringAsync("/signin");
        Assert.Contains("Logowanie do Workflow CRM", html, StringComparison.Ordinal);
        Assert.Contains("lang=\"pl\"", html, StringComparison.Ordinal);
    }
}
