using Crm.Platform.Persistence;
using Xunit;

namespace Crm.Engine.Tests;

/// <summary>
/// A fresh engine over a real database per test. On PostgreSQL without a server the tests skip (locally)
/// or fail (under the test command, which requires its services).
/// </summary>
public abstract class EngineTestBase(DatabaseProvider provider) : IAsyncLifetime
{
    private EngineHarness? _engine;

    protected EngineHarness Engine => _engine ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        if (provider == DatabaseProvider.PostgreSql && Crm.Tests.TestEnvironment.PostgreSql is null && !Crm.Tests.TestEnvironment.ServicesRequired)
        {
            return;   // each test skips with the reason from RequireDatabase
        }

        _engine = await EngineHarness.CreateAsync(provider);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected void RequireDatabase()
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            Crm.Tests.TestEnvironment.RequirePostgreSql();
        }
    }
}
