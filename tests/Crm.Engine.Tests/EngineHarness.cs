using Crm.Engine;
using System.Text.Json.Nodes;
using Crm.Workflow;
using Microsoft.Extensions.Configuration;
using Crm.Modules.Documents;
using Crm.Storage;
using Crm.Workflows;
using Crm.Workflow.Runtime;
using Crm.Workflow.Common;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Workflow.Processes;
using Crm.Workflow.Tasks;
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
        var clock = new ManualClock();
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
        services.AddSingleton<TimeProvider>(clock);
        var settings = new Dictionary<string, string?> { ["Crm:DataPath"] = database.DataPath };
        if (Crm.Tests.TestEnvironment.S3Endpoint is { } endpoint)
        {
            // Documents' bytes go to the real S3 server when the test run has one.
            settings["Crm:Storage:Provider"] = "S3";
            settings["Crm:Storage:S3:Endpoint"] = endpoint;
            settings["Crm:Storage:S3:AccessKey"] = Crm.Tests.TestEnvironment.S3AccessKey;
            settings["Crm:Storage:S3:SecretKey"] = Crm.Tests.TestEnvironment.S3SecretKey;
            settings["Crm:Storage:S3:Bucket"] = "crm-engine-tests";
        }

        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCrmObjectStore();
        services.AddCrmWorkflows();
        services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserDirectory>();
        services.AddSingleton<TokenCache>();
        services.AddCrmModules();
        services.AddServiceTaskHandler<TestHandlers.Multiply>();
        services.AddServiceTaskHandler<TestHandlers.Fail>();
        services.AddServiceTaskHandler<TestHandlers.Crash>();
        services.AddServiceTaskHandler<TestHandlers.Reject>();
        services.AddServiceTaskHandler<TestHandlers.Flaky>();
        configure?.Invoke(services);
        var provider2 = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var harness = new EngineHarness(provider2, database) { Clock = clock };
        await harness.RunAsync<CrmDbContext>(async db =>
        {
            await db.Database.MigrateAsync();
            if (db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        });
        await provider2.GetRequiredService<Crm.Storage.Objects.IObjectStore>().EnsureReadyAsync();
        await Crm.Workflows.WorkflowSetup.DeployBuiltInProcessesAsync(provider2);
        foreach (var (name, groups) in new[] { ("anna", new[] { "sales" }), ("jan", new[] { "office" }), ("marek", new[] { "sales" }), ("boss", Array.Empty<string>()) })
        {
            await harness.RunAsync<CrmDbContext>(async db =>
            {
                db.Users.Add(new User { UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name, PasswordHash = "-" });
                await db.SaveChangesAsync();
            });
        }

        await harness.RunAsync<CrmDbContext>(async db =>
        {
            var users = await db.Users.ToDictionaryAsync(u => u.UserName, u => u.Id);
            foreach (var (group, members) in new (string, string[])[] { ("sales", ["anna", "marek"]), ("office", ["jan"]) })
            {
                var entity = new Group { Name = group, DisplayName = group };
                db.Groups.Add(entity);
                db.GroupMembers.AddRange(members.Select(m => new GroupMember { GroupId = entity.Id, UserId = users[m] }));
            }

            await db.SaveChangesAsync();
        });
        return harness;
    }

    /// <summary>Applies the outbox to the search index until nothing is left.</summary>
    public async Task IndexAsync()
    {
        var indexer = _services.GetRequiredService<SearchIndexer>();
        while (await indexer.ApplyPendingAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>The engine's clock: tests move time instead of sleeping.</summary>
    public ManualClock Clock { get; private init; } = new();

    public IServiceProvider Services => _services;

    public Crm.Workflow.Jobs.JobExecutor Executor => _services.GetRequiredService<Crm.Workflow.Jobs.JobExecutor>();

    /// <summary>Runs due jobs until none is due (jobs may create more due jobs); returns how many ran.</summary>
    public async Task<int> RunJobsAsync()
    {
        var total = 0;
        for (var round = 0; round < 1000; round++)
        {
            var ran = await Executor.RunDueJobsAsync(CancellationToken.None);
            if (ran == 0)
            {
                return total;
            }

            total += ran;
        }

        throw new InvalidOperationException("Jobs keep falling due; does a timer cycle have no end?");
    }

    /// <summary>Moves the clock forward and runs what fell due.</summary>
    public Task<int> AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        return RunJobsAsync();
    }

    public Task<List<Crm.Workflow.Jobs.Job>> JobsAsync(Guid? instanceId = null) =>
        RunAsync<CrmDbContext, List<Crm.Workflow.Jobs.Job>>(db => db.Jobs.AsNoTracking().Where(j => instanceId == null || j.InstanceId == instanceId).ToListAsync());

    public Task<Crm.Workflow.Messages.MessageResult> MessageAsync(string name, string? businessKey = null, object? variables = null, bool all = false, string? correlationKey = null, object? correlationKeys = null) =>
        RunAsync<Crm.Workflow.Messages.MessageService, Crm.Workflow.Messages.MessageResult>(s => s.CorrelateAsync(
            new Crm.Workflow.Messages.MessageRequest(name, businessKey, correlationKey, correlationKeys is null ? null : Vars(correlationKeys), Vars(variables)), all, Admin, CancellationToken.None));

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
        RunAsync<CompleteTask, TaskView>(s => s.RunAsync(task.Id, Vars(variables), user ?? Admin, CancellationToken.None));

    public static Dictionary<string, JsonNode?> Vars(object? variables) =>
        variables is null ? [] : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject()
            .ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

public static class TestHandlers
{
    [ServiceTaskHandler("test.reject", DisplayName = "Throws a BPMN error")]
    public sealed class Reject : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            throw new BpmnErrorException(context.Inputs.GetValueOrDefault("code")?.ToString() ?? "REJECTED", "credit check said no");
    }

    /// <summary>Fails while the variable 'broken' is true: an incident that a fix (variable change) and a retry resolve.</summary>
    [ServiceTaskHandler("test.flaky", DisplayName = "Fails while broken")]
    public sealed class Flaky : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            context.Variables.GetValueOrDefault("broken")?.GetValue<bool>() == true
                ? throw new ServiceTaskFailedException("the mail server refused the connection")
                : Task.FromResult<IReadOnlyDictionary<string, JsonNode?>?>(new Dictionary<string, JsonNode?> { ["sent"] = true });
    }

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

    /// <summary>Fails with an internal error whose text must not reach the caller.</summary>
    [ServiceTaskHandler("test.crash", DisplayName = "Crashes")]
    public sealed class Crash : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("SELECT password_hash FROM users -- connection string Host=db");
    }

    [ServiceTaskHandler("test.fail", DisplayName = "Always fails")]
    public sealed class Fail : IServiceTaskHandler
    {
        public Task<IReadOnlyDictionary<string, JsonNode?>?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            throw new ServiceTaskFailedException("the customer register is down");
    }
}
