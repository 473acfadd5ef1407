using Crm.Storage.Objects;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Storage;

public static class ObjectStoreSetup
{
    /// <summary>
    /// Registers the object store chosen by <c>Crm:Storage:Provider</c> (FileSystem | S3). Settings are
    /// read when the store is first needed, so hosts and tests can override them up to then.
    /// </summary>
    public static IServiceCollection AddCrmObjectStore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => Create(sp.GetRequiredService<IConfiguration>()));
        return services;
    }

    public static IObjectStore Create(IConfiguration configuration)
    {
        var dataPath = Path.GetFullPath(configuration["Crm:DataPath"] ?? "data");
        var provider = configuration["Crm:Storage:Provider"];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            return new FileSystemObjectStore(configuration["Crm:Storage:Path"] is { Length: > 0 } path ? path : Path.Combine(dataPath, "objects"));
        }

        if (provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            var options = new S3StoreOptions();
            configuration.GetSection("Crm:Storage:S3").Bind(options);
            if (string.IsNullOrWhiteSpace(options.Endpoint))
            {
                throw new StorageConfigurationException("Crm:Storage:S3:Endpoint", "is required when Crm:Storage:Provider is S3.");
            }

            return new S3ObjectStore(options, Path.Combine(dataPath, "tmp"));
        }

        throw new StorageConfigurationException("Crm:Storage:Provider", $"unknown provider '{provider}'; use FileSystem or S3.");
    }
}
