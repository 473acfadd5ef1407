using Crm.Platform.Persistence;
using Crm.Tests;
using Crm.Tests.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Crm.EndToEnd.Tests;

/// <summary>
/// One real server on a loopback port (Kestrel, SQLite, demo data) and one headless Debian Chromium,
/// shared by the tests of a class. Started on first use so a run without Chromium skips cleanly.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TestDatabase? _database;
    private CrmAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;
    private string? _profile;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The running server's services, for arranging what another user or system would do meanwhile.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Open a page first: the server starts with it.");

    public static string Artifacts { get; } = Path.Combine(FindRepositoryRoot(), "test-results", "screenshots");

    public async Task<IPage> NewPageAsync()
    {
        var chromium = TestEnvironment.RequireChromium();
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _database = TestDatabase.Create(DatabaseProvider.Sqlite);
                _app = new CrmAppFactory(_database);
                _app.UseKestrel(0);
                _app.StartServer();
                BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "localhost", StringComparison.Ordinal);

                _playwright = await Playwright.CreateAsync();
                _profile = Directory.CreateTempSubdirectory("crm-chromium-").FullName;
                _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
                {
                    ExecutablePath = chromium,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                    ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                    Locale = "en-US",
                });
                _browser.SetDefaultTimeout(30_000);
            }

            // Each test starts signed out, in English.
            await _browser.ClearCookiesAsync();
            return await _browser.NewPageAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Signs in on the sign-in page already open, then waits until the Blazor circuit is interactive.</summary>
    public async Task SignInAsync(IPage page, string user, string password)
    {
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#signin-submit");
        await page.WaitForSelectorAsync("[data-ready=true]");
        Assert.StartsWith(BaseUrl, page.Url, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_profile is not null)
        {
            Directory.Delete(_profile, recursive: true);
        }

        _gate.Dispose();
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Crm.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Path.GetTempPath();
    }
}
