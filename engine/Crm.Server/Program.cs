using Crm.Designer;
using Crm.Engine.Hosting;
using Crm.Engine.Identity;
using Crm.Server.Hosting;
using Crm.Storage;
using Crm.Storage.Objects;
using Microsoft.AspNetCore.DataProtection;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.WebHost.UseStaticWebAssets();           // serve RCL/npm assets from a plain build too, not only in Development
    builder.Services.Configure<CrmOptions>(builder.Configuration.GetSection(CrmOptions.Section));
    var dataPath = Path.GetFullPath(builder.Configuration["Crm:DataPath"] ?? "data");

    builder.AddCrmDefaults();                                                  // logs, telemetry, problem details, OpenAPI, health
    var database = builder.Services.AddCrmDatabase(builder.Configuration, dataPath);  // SQLite (default) or PostgreSQL
    builder.Services.AddCrmObjectStore(builder.Configuration, dataPath);      // local folder (default) or S3
    builder.Services.AddCrmIdentity();                                         // users, groups, cookie + bearer sign-in
    builder.Services.AddDataProtection()                                       // cookie keys survive restarts
        .SetApplicationName("crm")
        .PersistKeysToFileSystem(new DirectoryInfo(builder.Configuration["Crm:DataProtection:KeysPath"] ?? Path.Combine(dataPath, "keys")));
    builder.Services.AddCrmLocalization();                                     // English and Polish
    builder.Services.AddCrmDesigner();                                         // the web UI

    var app = builder.Build();
    await app.InitializeCrmAsync(database);                                    // migrate, check storage, seed admin + demo

    app.UseCrmProblemDetails();
    app.UseRequestLocalization();
    app.UseAuthentication();
    app.UseRateLimiter();
    app.UseAuthorization();
    app.UseAntiforgery();

    app.MapCrmDefaults();          // /health, /openapi/v1.json, /api/docs
    app.MapIdentityApi();          // /api/auth, /api/users, /api/groups, /api/tokens
    app.MapAccountEndpoints();     // sign-out
    app.MapCultureSwitch();        // /culture/{en|pl}
    app.MapCrmDesigner();          // Blazor UI and its static assets

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is CrmConfigurationException or StorageConfigurationException)
{
    // A wrong setting is the operator's to fix: say which one, plainly, without a stack trace.
    Console.Error.WriteLine($"Start-up failed. {ex.Message}");
    return 2;
}

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
