using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Crm.Bench;

/// <summary>The database's own ceiling: one single-row INSERT per transaction, each client on its own connection.</summary>
internal static class RawCommits
{
    public static async Task<double> RunAsync(BenchOptions options, IProgress<string> progress)
    {
        if (options.IsPostgres)
        {
            await EnsureDatabaseAsync(options.Database);
        }

        var connections = new List<DbConnection>();
        for (var i = 0; i < options.Clients; i++)
        {
            DbConnection connection = options.IsPostgres
                ? new NpgsqlConnection(options.Database)
                : new SqliteConnection($"Data Source={Path.Combine(options.Database, "raw.db")};Default Timeout=30");
            await connection.OpenAsync();
            connections.Add(connection);
        }

        await Execute(connections[0], options.IsPostgres
            ? "DROP TABLE IF EXISTS bench_commit; CREATE TABLE bench_commit (id bigserial PRIMARY KEY, client int NOT NULL, at timestamptz NOT NULL DEFAULT now())"
            : "PRAGMA journal_mode=WAL; DROP TABLE IF EXISTS bench_commit; CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, client INTEGER NOT NULL, at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
        var commands = connections.Select(c =>
        {
            var command = c.CreateCommand();
            command.CommandText = options.IsPostgres ? "INSERT INTO bench_commit (client) VALUES (@c)" : "INSERT INTO bench_commit (client) VALUES ($c)";
            var parameter = command.CreateParameter();
            parameter.ParameterName = options.IsPostgres ? "c" : "$c";
            command.Parameters.Add(parameter);
            return command;
        }).ToList();

        try
        {
            return await Load.RunAsync(options, async client =>
            {
                commands[client].Parameters[0].Value = client;
                await commands[client].ExecuteNonQueryAsync();   // autocommit: one transaction per row
            }, progress);
        }
        finally
        {
            foreach (var command in commands)
            {
                await command.DisposeAsync();
            }

            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task EnsureDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection);
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await Execute(connection, $"CREATE DATABASE \"{name}\"");
        }
    }

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
