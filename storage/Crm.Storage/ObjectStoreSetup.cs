using Crm.Storage.Objects;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Storage;

public static class ObjectStoreSetup
{
    /// <summary>Registers the object store chosen by <c>Crm:Storage:Provider</c> (FileSystem | S3).</summary>
    public static IServiceCollection AddCrmObjectStore(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        var provider = configuration["Crm:Storage:Provider"] ?? "FileSystem";
        var tempFolder = Path.Combine(dataPath, "tmp");
        if (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            var folder = configuration["Crm:Storage:Path"] ?? Path.Combine(dataPath, "objects");
            services.TryAddSingleton<IObjectStore>(_ => new FileSystemObjectStore(folder));
        }
        else if (provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            var options = new S3StoreOptions();
            configuration.GetSection("Crm:Storage:S3").Bind(options);
            services.TryAddSingleton<IObjectStore>(_ => new S3ObjectStore(options, tempFolder));
        }
        else
        {
            throw new StorageConfigurationException("Crm:Storage:Provider", $"unknown provider '{provider}'; use FileSystem or S3.");
        }

        return services;
    }
}
