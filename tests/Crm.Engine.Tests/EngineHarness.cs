using System.Text.Json.Nodes;
using Crm.Engine.Bpmn;
using Crm.Engine.Bpmn.Runtime;
using Crm.Engine.Common;
using Crm.Engine.Identity;
using Crm.Engine.Persistence;
using Crm.Engine.Processes;
using Crm.Engine.Tasks;
using Crm.Storage.PostgreSql;
using Crm.Storage.Sqlite;
using Crm.Tests.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Engine.Tests;

/// <summary>The engine's services over a real database (SQLite file or PostgreSQL), one scope per call like a request.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TestDatabase _database;

    private EngineHarness(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        _database = database;
    }

    public static async Task<EngineHarness> CreateAsync(DatabaseProvider provider, Action<IServiceCollection>? configure = null)
    {
        var database = TestDatabase.Create(provider);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<CrmDbContext>(o =>
        {
            if (provider == DatabaseProvider.Sqlite)
            {
                o.UseCrmSqlite(database.ConnectionString);
            }
            else
            {
                o.UseCrmPostgreSql(database.ConnectionString);
            }
        });
        services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserDirectory>();
        services.AddSingleton<TokenCache>();
        services.AddCrmEngine();
        services.AddServiceTaskHandler<TestHandlers.Multiply>();
        services.AddServiceTaskHandler<TestHandlers.Fail>();
        configure?.Invoke(services);
        var provider2 = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var harness = new EngineHarness(provider2, database);
        await harness.RunAsync<CrmDbContext>(async db =>
        {
            await db.Database.MigrateAsync();
            if (db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        });
        foreach (var (name, groups) in new[] { ("anna", new[] { "sales" }), ("jan", new[] { "office" }), ("marek", new[] { "sales" }), ("boss", Array.Empty<string>()) })
        {
            await harness.RunAsync<CrmDbContext>(async db =>
            {
                db.Users.Add(new User { UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name, PasswordHash = "-" });
                await db.SaveChangesAsync();
            });
        }

        return harness;
    }

    public static CurrentUser User(string name, params string[] groups) =>
        new(Guid.NewGuid(), name, new HashSet<string> { Roles.Staff }, groups.ToHashSet());

    public static CurrentUser Owner { get; } = new(Guid.NewGuid(), "owner", new HashSet<string> { Roles.ProcessOwner }, new HashSet<string>());

    public static CurrentUser Admin { get; } = new(Guid.NewGuid(), "root", new HashSet<string> { Roles.Admin }, new HashSet<string>());

    public async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> work)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync<TService>(Func<TService, Task> work)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<DefinitionView> DeployAsync(string scenario) =>
        DeployXmlAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", scenario + ".bpmn")));

    public async Task<DefinitionView> DeployXmlAsync(string xml) =>
        (await RunAsync<DefinitionService, DeployResult>(s => s.DeployAsync(xml, Owner, CancellationToken.None))).Definition;

    public Task<StartedInstance> StartAsync(string key, object? variables = null, string user = "anna", string? businessKey = null) =>
        RunAsync<RuntimeService, StartedInstance>(s => s.StartAsync(
            new StartInstanceRequest(key, businessKey, Vars(variables)), User(user, "sales"), CancellationToken.None));

    public Task<InstanceView> InstanceAsync(Guid id) =>
        RunAsync<RuntimeService, InstanceView>(s => s.GetAsync(id, Owner, CancellationToken.None));

    public Task<List<HistoryView>> HistoryAsync(Guid id) =>
        RunAsync<RuntimeService, List<HistoryView>>(s => s.HistoryAsync(id, Owner, CancellationToken.None));

    /// <summary>Open tasks of an instance, by element id.</summary>
    public async Task<List<TaskView>> OpenTasksAsync(Guid instanceId) =>
        [.. (await RunAsync<TaskService, PagedList<TaskView>>(s => s.ListAsync(new TaskQuery(null, null, null, null, null, null, "created", null, 1, 200), Admin, CancellationToken.None)))
            .Items.Where(t => t.InstanceId == instanceId)];

    public async Task<TaskView> TaskAtAsync(Guid instanceId, string elementId) =>
        Xunit.Assert.Single(await OpenTasksAsync(instanceId), t => t.ElementId == elementId);

    /// <summary>Completes as an admin (allowed to complete any task) with the given variables.</summary>
    public Task<TaskView> CompleteAsync(TaskView task, object? variables = null, CurrentUser? user = null) =>
        RunAsync<TaskService, TaskView>(s => s.CompleteAsync(task.Id, Vars(variables), user ?? Admin, CancellationToken.None));

    public static Dictionary<string, JsonNode?> Vars(object? variables) =>
        variables is null ? [] : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject()
            .ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}

public static class TestHandlers
{
    [ServiceTaskHandler("test.multiply", DisplayName = "Multiply")]
    public sealed class Multiply : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken)
        {
            var a = context.Inputs.TryGetValue("a", out var x) ? x!.GetValue<double>() : context.Variables["amount"]!.GetValue<double>();
            var b = context.Inputs.TryGetValue("b", out var y) ? y!.GetValue<double>() : 2;
            return Task.FromResult<IReadOnlyDictionary<string, JsonNode?>?>(new Dictionary<string, JsonNode?> { ["product"] = a * b });
        }
    }

    [ServiceTaskHandler("test.fail", DisplayName = "Always fails")]
    public sealed class Fail : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            throw new ServiceTaskFailedException("the customer register is down");
    }
}
