using Crm.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Crm.Storage.Sqlite;

/// <summary>The embedded default database: one SQLite file, migrations from this assembly.</summary>
public static class SqliteDatabase
{
    public static DbContextOptionsBuilder UseCrmSqlite(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name))
            .AddInterceptors(new SqliteWriteGate(connectionString));
}

/// <summary>Used by <c>dotnet ef</c> only (scripts/add-migration.sh).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<CrmDbContext>
{
    public CrmDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CrmDbContext>();
        options.UseCrmSqlite("Data Source=design-time.db");
        return new CrmDbContext(options.Options);
    }
}
