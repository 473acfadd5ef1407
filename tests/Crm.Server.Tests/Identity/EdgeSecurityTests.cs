using System.Net;
using System.Net.Http.Json;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Tests.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Crm.Server.Tests.Identity;

/// <summary>The server's edge: the client address behind a known proxy only, HSTS over HTTPS, no framing by other sites.</summary>
public sealed class EdgeSecurityTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(DatabaseProvider.Sqlite);
    private CrmAppFactory? _app;
    private WebApplicationFactory<Program>? _withPeers;

    private WebApplicationFactory<Program> App => _withPeers ??= (_app ??= new CrmAppFactory(_database, new Dictionary<string, string?>
    {
        ["Crm:Network:KnownProxies"] = "10.0.0.5",
        ["Crm:SignIn:RequestsPerMinutePerClient"] = "2",
    })).WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, PeerAddressFromTestHeader>()));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_withPeers is not null)
        {
            await _withPeers.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TheSignInLimit_CountsTheRealClientBehindAKnownProxy_AndIgnoresForwardedHeadersFromAnyoneElse()
    {
        var app = App;
        using var client = app.CreateClient();

        async Task<HttpStatusCode> SignInAsync(string peer, string forwardedFor)
        {
            // A new name each time: only the address limit may answer 429, never an account lock.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new TokenRequest("nobody-" + Guid.NewGuid().ToString("N"), "wrong")) };
            request.Headers.Add("X-Test-Peer", peer);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await client.SendAsync(request)).StatusCode;
        }

        // Behind the proxy: two clients, each with its own allowance.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("10.0.0.5", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("10.0.0.5", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync("10.0.0.5", "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("10.0.0.5", "203.0.113.8"));

        // Not a known proxy: a made-up X-Forwarded-For does not buy a fresh allowance.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("198.51.100.9", "192.0.2.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("198.51.100.9", "192.0.2.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync("198.51.100.9", "192.0.2.3"));
    }

    [Fact]
    public async Task Pages_CannotBeFramedByOtherSites_AndHttpsAnswersCarryHsts()
    {
        using var https = App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://crm.example.com"), AllowAutoRedirect = false });
        var signIn = await https.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("SAMEORIGIN", signIn.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'self'", signIn.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.StartsWith("max-age=31536000", signIn.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);

        using var plain = App.CreateClient();
        var overHttp = await plain.GetAsync("/signin");
        Assert.False(overHttp.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal("SAMEORIGIN", overHttp.Headers.GetValues("X-Frame-Options").Single());
    }

    /// <summary>TestServer has no network peer: the test names it, as a socket would.</summary>
    private sealed class PeerAddressFromTestHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Peer", out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
