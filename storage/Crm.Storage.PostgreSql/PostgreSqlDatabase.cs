using Crm.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Crm.Storage.PostgreSql;

/// <summary>The production database: PostgreSQL through Npgsql, migrations from this assembly.</summary>
public static class PostgreSqlDatabase
{
    public static DbContextOptionsBuilder UseCrmPostgreSql(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgreSqlDatabase).Assembly.GetName().Name));
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
