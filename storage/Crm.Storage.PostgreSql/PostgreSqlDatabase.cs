using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Crm.Storage.PostgreSql;

/// <summary>The production database: PostgreSQL through Npgsql, migrations from this assembly.</summary>
public static class PostgreSqlDatabase
{
    public static DbContextOptionsBuilder UseCrmPostgreSql(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithAutoPrepare(connectionString), npgsql => npgsql.MigrationsAssembly(typeof(PostgreSqlDatabase).Assembly.GetName().Name));

    /// <summary>
    /// The engine runs the same few statements all day; letting Npgsql prepare them saves PostgreSQL the
    /// parse and plan each time (measured: 307 -> 438 HTTP round trips/s). A connection string that sets
    /// Max Auto Prepare itself wins.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 256;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }
}

/// <summary>Used by <c>dotnet ef</c> only (scripts/add-migration.sh); no connection is opened to add a migration.</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<CrmDbContext>
{
    public CrmDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CrmDbContext>();
        options.UseCrmPostgreSql("Host=localhost;Database=crm_design;Username=postgres");
        return new CrmDbContext(options.Options);
    }
}
