using Crm.Engine;
using Crm.Workflow;
using Crm.Modules.Documents;
using Crm.Storage;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Workflow.Jobs;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Storage.PostgreSql;
using Crm.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Bench;

/// <summary>The engine in this process against the benchmark database, migrated, with a job executor available.</summary>
internal static class EngineHost
{
    public static readonly CurrentUser Owner = new(Guid.NewGuid(), "bench", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());

    public static async Task<ServiceProvider> CreateAsync(BenchOptions options, string sqliteFile = "engine.db", int jobConcurrency = 4, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddCrmObjectStore();
        // Pooled with options built once, as the server registers it (DatabaseSetup.AddCrmDatabase): per-scope options
        // would re-parse the connection string and look up EF's internal provider for every instance.
        services.AddDbContextPool<CrmDbContext>(o =>
        {
            if (options.IsPostgres)
            {
                o.UseCrmPostgreSql(options.Database);
            }
            else
            {
                o.UseCrmSqlite($"Data Source={Path.Combine(options.Database, sqliteFile)};Default Timeout=30");
            }
        });
        services.AddCrmModules();
        configure?.Invoke(services);
        services.Configure<JobOptions>(o =>
        {
            o.Concurrency = jobConcurrency;
            o.BatchSize = 64;
            o.NodeName = $"bench-{Environment.ProcessId}";
        });
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await db.Database.MigrateAsync();
        if (db.IsSqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        return provider;
    }

    public static async Task DeployAsync(ServiceProvider provider, string xml)
    {
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DefinitionService>().DeployAsync(xml, Owner, CancellationToken.None);
    }
}
