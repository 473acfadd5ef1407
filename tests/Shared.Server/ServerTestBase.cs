using Crm.Platform.Persistence;
using Xunit;

namespace Crm.Tests.Server;

/// <summary>A test class against the real server on one database: the server starts with the first use and goes with the class.</summary>
public abstract class ServerTestBase(DatabaseProvider provider, IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private TestDatabase? _database;
    private CrmAppFactory? _app;

    protected DatabaseProvider Provider => provider;

    protected CrmAppFactory App => _app ??= new CrmAppFactory(_database ??= TestDatabase.Create(provider), settings);

    /// <summary>Stops the server; the next use of <see cref="App"/> starts a new one on the same database.</summary>
    protected async Task RestartServerAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
