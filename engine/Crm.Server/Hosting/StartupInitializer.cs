using Crm.Workflow.Common;
using Crm.Platform.Hosting;
using Crm.Workflow.Processes;
using Crm.Platform.Identity;
using Crm.Platform.Persistence;
using Crm.Storage.Objects;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Server.Hosting;

/// <summary>
/// Runs before the server accepts requests: migrates the database, checks the object store, creates
/// the first admin and loads demo data. Any failure becomes a <see cref="CrmConfigurationException"/>
/// naming the setting to fix, which Program prints as one line.
/// </summary>
public static class StartupInitializer
{
    public static async Task InitializeCrmAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var options = services.GetRequiredService<IOptions<CrmOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Crm.Startup");

        var provider = services.GetRequiredService<DatabaseSettings>().Provider;
        await MigrateAsync(services.GetRequiredService<CrmDbContext>(), provider, logger);

        try
        {
            Directory.CreateDirectory(DataPaths.Root(app.Configuration));
            await services.GetRequiredService<IObjectStore>().EnsureReadyAsync();
        }
        catch (StorageConfigurationException ex)
        {
            throw new CrmConfigurationException(ex.Setting, ex.Message[(ex.Setting.Length + 2)..], ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CrmConfigurationException("Crm:Storage:Path", $"the object folder is not writable: {ex.Message}", ex);
        }

        var seeder = services.GetRequiredService<IdentitySeeder>();
        var generated = await seeder.EnsureAdminAsync();
        if (generated is not null)
        {
            // Printed once, on the console only: it is never logged or stored in clear.
            Console.WriteLine($"""

                ================================================================
                  First start: created user 'admin' with password: {generated}
                  Change it after signing in, or set Crm:Admin:InitialPassword.
                ================================================================

                """);
        }

        await Crm.Workflows.WorkflowSetup.DeployBuiltInProcessesAsync(services);
        await using (var seeding = services.CreateAsyncScope())
        {
            await Crm.Modules.Counterparties.Cases.CasePhases.SeedAsync(seeding.ServiceProvider.GetRequiredService<CrmDbContext>(), CancellationToken.None);
        }

        DemoIdentity? demo = null;
        if (options.Demo.Load)
        {
            var folder = options.Demo.SamplesPath ?? Path.Combine(AppContext.BaseDirectory, "samples", "demo");
            var file = Path.Combine(folder, "identity.json");
            if (!File.Exists(file))
            {
                throw new CrmConfigurationException("Crm:Demo:SamplesPath", $"demo data not found at {file}.");
            }

            demo = await seeder.LoadDemoAsync(file);
            await LoadDemoProcessesAsync(services, Path.Combine(folder, "processes"));
            await DemoDocuments.LoadAsync(services, Path.Combine(folder, "documents"));
            await DemoKnowledge.LoadAsync(services, Path.Combine(folder, "knowledge"));
            await DemoCrm.LoadAsync(services);
            await DemoComplaints.LoadAsync(services);
            await DemoService.LoadAsync(services);
            await DemoTemplates.LoadAsync(services);
            services.GetRequiredService<DemoState>().MarkLoaded(demo!.Users[0].UserName, demo.Password);
            logger.LogInformation("Demo data loaded from {Folder}", folder);
        }

        app.Lifetime.ApplicationStarted.Register(() => PrintReady(app, demo));
    }

    /// <summary>Deploys the demo processes (unchanged XML is not redeployed) and starts two complaints on a fresh database.</summary>
    private static async Task LoadDemoProcessesAsync(IServiceProvider services, string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var admin = new CurrentUser(Guid.Empty, IdentitySeeder.AdminUserName, new HashSet<string> { Roles.Admin }, new HashSet<string>());
        var definitions = services.GetRequiredService<DefinitionService>();
        foreach (var file in Directory.GetFiles(folder, "*.bpmn").Order(StringComparer.Ordinal))
        {
            await definitions.DeployAsync(await File.ReadAllTextAsync(file), admin, CancellationToken.None);
        }

        var db = services.GetRequiredService<CrmDbContext>();
        if (!await db.ProcessInstances.AnyAsync(i => i.ProcessKey == "complaint-intake"))
        {
            var runtime = services.GetRequiredService<RuntimeService>();
            await runtime.StartAsync(new StartInstanceRequest("complaint-intake", "RK-2026-0001", null), admin, CancellationToken.None);
            await runtime.StartAsync(new StartInstanceRequest("complaint-intake", "RK-2026-0002", null), admin, CancellationToken.None);
        }
    }

    private static async Task MigrateAsync(CrmDbContext db, DatabaseProvider provider, ILogger logger)
    {
        var setting = provider == DatabaseProvider.PostgreSql ? "ConnectionStrings:Crm" : "Crm:DataPath";
        try
        {
            if (provider == DatabaseProvider.Sqlite && db.Database.GetDbConnection().DataSource is { Length: > 0 } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            }

            await db.Database.MigrateAsync();
            if (provider == DatabaseProvider.Sqlite)
            {
                // WAL lets readers proceed while one writer commits; the setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            logger.LogInformation("Database ready ({Provider})", provider);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CrmConfigurationException)
        {
            var root = ex;
            while (root.InnerException is not null)
            {
                root = root.InnerException;
            }

            throw new CrmConfigurationException(setting, $"cannot open the {provider} database: {root.Message}", ex);
        }
    }

    private static void PrintReady(WebApplication app, DemoIdentity? demo)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine($"CRM is ready at {string.Join(", ", addresses)}");
        if (demo is not null)
        {
            var names = string.Join(", ", demo.Users.Select(u => $"{u.UserName} ({string.Join("/", u.Roles)})"));
            Console.WriteLine($"Demo sign-in: user '{demo.Users[0].UserName}' password '{demo.Password}'  (all demo users share it: {names})");
        }
    }
}
