using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Crm.Server.Hosting;

public static class DataProtectionSetup
{
    /// <summary>
    /// Keys that sign cookies and antiforgery tokens live in the data folder (<c>Crm:DataProtection:KeysPath</c>
    /// to share one folder between nodes), so a restart does not sign everyone out.
    /// </summary>
    public static IServiceCollection AddCrmDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("crm");
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((options, configuration, loggers) =>
        {
            var folder = configuration["Crm:DataProtection:KeysPath"] is { Length: > 0 } path ? path : Path.Combine(DataPaths.Root(configuration), "keys");
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), loggers);
        });
        return services;
    }
}
