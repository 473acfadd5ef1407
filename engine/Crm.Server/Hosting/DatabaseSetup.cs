using Crm.Engine.Hosting;
using Crm.Engine.Persistence;
using Crm.Storage.PostgreSql;
using Crm.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Server.Hosting;

public static class DatabaseSetup
{
    /// <summary>Registers <see cref="CrmDbContext"/> on the provider named by <c>Crm:Database:Provider</c>.</summary>
    public static DatabaseProvider AddCrmDatabase(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        var name = configuration["Crm:Database:Provider"];
        var provider = string.IsNullOrWhiteSpace(name) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new CrmConfigurationException("Crm:Database:Provider", $"unknown provider '{name}'; use Sqlite or PostgreSql.");

        var connectionString = configuration.GetConnectionString("Crm");
        if (provider == DatabaseProvider.Sqlite)
        {
            // The embedded default: one file in the data folder, nothing to install.
            connectionString = string.IsNullOrWhiteSpace(connectionString)
                ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataPath, "crm.db"), DefaultTimeout = 30 }.ToString()
                : connectionString;
            services.AddDbContext<CrmDbContext>(o => o.UseCrmSqlite(connectionString));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new CrmConfigurationException("ConnectionStrings:Crm", "a PostgreSQL connection string is required when Crm:Database:Provider is PostgreSql.");
            }

            services.AddDbContext<CrmDbContext>(o => o.UseCrmPostgreSql(connectionString));
        }

        return provider;
    }
}
