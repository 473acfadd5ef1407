using Crm.Platform.Hosting;
using Crm.Platform.Persistence;
using Crm.Storage.PostgreSql;
using Crm.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Server.Hosting;

/// <summary>The database settings, read from configuration when first needed (so tests and hosts can override them).</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var name = configuration["Crm:Database:Provider"];
        var provider = string.IsNullOrWhiteSpace(name) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new CrmConfigurationException("Crm:Database:Provider", $"unknown provider '{name}'; use Sqlite or PostgreSql.");

        var connectionString = configuration.GetConnectionString("Crm");
        if (provider == DatabaseProvider.Sqlite)
        {
            // The embedded default: one file in the data folder, nothing to install.
            return new DatabaseSettings(provider, string.IsNullOrWhiteSpace(connectionString)
                ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataPaths.Root(configuration), "crm.db"), DefaultTimeout = 30 }.ToString()
                : connectionString);
        }

        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new CrmConfigurationException("ConnectionStrings:Crm", "a PostgreSQL connection string is required when Crm:Database:Provider is PostgreSql.")
            : new DatabaseSettings(provider, connectionString);
    }
}

public static class DataPaths
{
    /// <summary><c>Crm:DataPath</c> as a full path; relative paths are under the working directory.</summary>
    public static string Root(IConfiguration configuration) => Path.GetFullPath(configuration["Crm:DataPath"] ?? "data");
}

public static class DatabaseSetup
{
    /// <summary>Registers <see cref="CrmDbContext"/> on the provider named by <c>Crm:Database:Provider</c> (Sqlite | PostgreSql).</summary>
    public static IServiceCollection AddCrmDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>()));
        // Pooled: a step creates a context per request or job; reusing them saves allocation and set-up.
        services.AddDbContextPool<CrmDbContext>((sp, options) =>
        {
            var settings = sp.GetRequiredService<DatabaseSettings>();
            if (settings.Provider == DatabaseProvider.Sqlite)
            {
                options.UseCrmSqlite(settings.ConnectionString);
            }
            else
            {
                options.UseCrmPostgreSql(settings.ConnectionString);
            }
        });
        // The engine works on its part of the one context: the same scoped instance, so a step and the
        // business change it causes commit together.
        services.AddScoped<Crm.Workflow.Persistence.WorkflowDbContext>(sp => sp.GetRequiredService<CrmDbContext>());
        return services;
    }
}
