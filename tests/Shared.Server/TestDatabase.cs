using Crm.Platform.Persistence;
using Crm.Tests;
using Npgsql;

namespace Crm.Tests.Server;

/// <summary>A throwaway database per test class: a SQLite file in a temp folder, or a fresh PostgreSQL database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public string DataPath { get; }

    private TestDatabase(DatabaseProvider provider, string connectionString, string dataPath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataPath = dataPath;
    }

    public static TestDatabase Create(DatabaseProvider provider)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "crm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        if (provider == DatabaseProvider.Sqlite)
        {
            return new TestDatabase(provider, $"Data Source={Path.Combine(dataPath, "crm.db")};Default Timeout=30", dataPath);
        }

        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.RequirePostgreSql())
        {
            Database = $"crm_test_{Guid.NewGuid():N}",
            Pooling = true,
        };
        return new TestDatabase(provider, builder.ConnectionString, dataPath);
    }

    /// <summary>The settings a server under test needs to use this database and a private data folder.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Crm:DataPath"] = DataPath,
        ["Crm:Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Crm"] = ConnectionString,
    };

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.PostgreSql)
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
            var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; a locked file on the way out is not a test failure.
        }
    }
}
