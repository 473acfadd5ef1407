using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crm.Platform.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Crm.Tests.Server;

/// <summary>The real server (real database, real object store) in-process, configured per test class.</summary>
public sealed class CrmAppFactory(TestDatabase database, IDictionary<string, string?>? extraSettings = null) : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Admin-Pass-123";
    public const string DemoPassword = "Demo123!";

    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = Database.Settings();
        settings["Crm:Admin:InitialPassword"] = AdminPassword;
        settings["Crm:Demo:Load"] = "true";
        settings["Crm:SignIn:RequestsPerMinutePerClient"] = "100000";
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }

    /// <summary>An HTTP client signed in with a bearer token from POST /api/auth/token.</summary>
    public async Task<HttpClient> CreateClientAsAsync(string userName, string? password = null)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new TokenRequest(userName, password ?? (userName == "admin" ? AdminPassword : DemoPassword)));
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        return client;
    }
}
