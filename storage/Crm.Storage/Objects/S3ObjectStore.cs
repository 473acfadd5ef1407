using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Crm.Storage.Objects;

/// <summary>Objects in an S3-compatible bucket (MinIO, Ceph RGW, AWS S3) through the Minio .NET client.</summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly IMinioClient _client;
    private readonly S3StoreOptions _options;
    private readonly string _tempFolder;
    private readonly HttpClient _http;

    public S3ObjectStore(S3StoreOptions options, string tempFolder, HttpClient? http = null)
    {
        _options = options;
        _tempFolder = tempFolder;
        // No overall timeout: a 2 GB upload or a slow reader may take long; each call has its cancellation token.
        _http = http ?? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
        var endpoint = options.Endpoint ?? throw new StorageConfigurationException("Crm:Storage:S3:Endpoint", "is required when Crm:Storage:Provider is S3");
        var uri = endpoint.Contains("://", StringComparison.Ordinal) ? new Uri(endpoint) : new Uri((options.UseTls ? "https://" : "http://") + endpoint);
        var client = new MinioClient()
            .WithEndpoint(uri.Host, uri.Port)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithSSL(options.UseTls || uri.Scheme == Uri.UriSchemeHttps);
        if (!string.IsNullOrEmpty(options.Region))
        {
            client = client.WithRegion(options.Region);
        }

        _client = client.Build();
    }

    private const int SmallObject = 8 * 1024 * 1024;

    private string Bucket => _options.Bucket;

    public async Task<StoredObject> PutAsync(Stream content, long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        // Small content stays in memory (no temp file round trip); large content is spooled to disk.
        await using var spool = await HashingSpool.CreateAsync(content, _tempFolder, maxBytes, inMemoryUpTo: SmallObject, cancellationToken);
        // Large content is checked first, so identical bytes are not sent twice. Small content is simply
        // written: the key is its hash, so a second write stores the same bytes under the same name (still
        // one object) and costs less than the extra round trip of asking first.
        var existed = spool.Length > SmallObject && await GetSizeAsync(spool.Hash, cancellationToken) is not null;
        if (existed && await TouchAsync(spool.Hash, cancellationToken))
        {
            return new StoredObject(spool.Hash, spool.Length, Created: false);
        }

        await using var file = spool.OpenRead();
        await SendAsync(spool.Hash.ToKey(), file, spool.Length, cancellationToken);
        return new StoredObject(spool.Hash, spool.Length, Created: true);
    }

    /// <summary>
    /// One PUT to a presigned URL. The client's own PutObject signs the payload over plain HTTP, so it reads
    /// every byte a second time to hash it (the spool has hashed them already), and cuts objects over 5 MB
    /// into sequential parts; a presigned PUT streams the spooled bytes once (S3 takes up to 5 GB this way).
    /// </summary>
    private async Task SendAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        var url = await _client.PresignedPutObjectAsync(new PresignedPutObjectArgs().WithBucket(Bucket).WithObject(key).WithExpiry(900));
        using var body = new StreamContent(content, 256 * 1024);
        body.Headers.ContentLength = length;
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PutAsync(new Uri(url), body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new IOException($"The object store refused '{key}' ({(int)response.StatusCode} {response.ReasonPhrase}): {detail[..Math.Min(detail.Length, 500)]}");
        }
    }

    /// <summary>False when the object is gone (the collector took it in between): then the caller stores it again.</summary>
    private async Task<bool> TouchAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        try
        {
            // Copied onto itself with its metadata replaced: a new write time, so the collector's grace applies.
            await _client.CopyObjectAsync(new CopyObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey())
                .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey()))
                .WithReplaceMetadataDirective(true).WithHeaders(new Dictionary<string, string>(StringComparer.Ordinal) { ["x-amz-meta-touched"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }), cancellationToken);
            return true;
        }
        catch (Minio.Exceptions.MinioException ex) when (IsNotFound(ex))
        {
            return false;
        }
    }

    public async Task<Stream> OpenReadAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            // The client's GetObject only lends the stream inside a callback; a presigned URL lets the
            // caller stream the body at its own pace (and is what range reads need, see INFRA.md).
            var url = await _client.PresignedGetObjectAsync(
                new PresignedGetObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey()).WithExpiry(300));
            // The client has no overall timeout (uploads may be long): a store that accepts and then stalls gets 100 s to answer.
            using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headers.CancelAfter(TimeSpan.FromSeconds(100));
            var response = await _http.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead, headers.Token);
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                if (!response.IsSuccessStatusCode)
                {
                    response.Dispose();
                    throw new IOException($"The object store answered {(int)response.StatusCode} {response.ReasonPhrase} for '{hash.ToKey()}'.");
                }

                return await response.Content.ReadAsStreamAsync(cancellationToken);
            }

            response.Dispose();
            // Trashed by the collector while an upload of the same bytes committed its row: back it comes.
            if (attempt > 0 || !await RestoreAsync(hash, cancellationToken))
            {
                throw new ObjectNotFoundException(hash);
            }
        }
    }

    /// <summary>The client parses S3's UTC times into local or unspecified DateTimes: back to UTC.</summary>
    private static DateTimeOffset Utc(DateTime? time) => time is not { } t ? DateTimeOffset.UtcNow
        : new DateTimeOffset(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static bool IsNotFound(Minio.Exceptions.MinioException ex) =>
        ex is Minio.Exceptions.ObjectNotFoundException || ex.Message.Contains("NoSuchKey", StringComparison.Ordinal) || ex.Message.Contains("Not found", StringComparison.OrdinalIgnoreCase);

    private static string TrashKey(ContentHash hash) => "trash/" + hash.ToKey();

    public Task<bool> TrashAsync(ContentHash hash, CancellationToken cancellationToken = default) => MoveAsync(hash.ToKey(), TrashKey(hash), cancellationToken);

    public Task<bool> RestoreAsync(ContentHash hash, CancellationToken cancellationToken = default) => MoveAsync(TrashKey(hash), hash.ToKey(), cancellationToken);

    /// <summary>Server-side copy, then delete of the source; false when the source is not there.</summary>
    private async Task<bool> MoveAsync(string from, string to, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CopyObjectAsync(new CopyObjectArgs().WithBucket(Bucket).WithObject(to)
                .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(Bucket).WithObject(from)), cancellationToken);
        }
        catch (Minio.Exceptions.MinioException ex) when (IsNotFound(ex))
        {
            return false;
        }

        await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(from), cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<StoredBlob> ListTrashAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithPrefix("trash/").WithRecursive(true), cancellationToken))
        {
            var name = item.Key[(item.Key.LastIndexOf('/') + 1)..];
            if (ContentHash.TryParse(name, out var hash) && TrashKey(hash) == item.Key)
            {
                yield return new StoredBlob(hash, (long)item.Size, Utc(item.LastModifiedDateTime));
            }
        }
    }

    public Task DeleteTrashedAsync(ContentHash hash, CancellationToken cancellationToken = default) =>
        _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(TrashKey(hash)), cancellationToken);

    public async Task<long?> GetSizeAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        try
        {
            var stat = await _client.StatObjectAsync(
                new StatObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey()), cancellationToken);
            return stat.Size;
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
    }

    public async Task<StoredBlob?> StatAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey()), cancellationToken);
            return new StoredBlob(hash, stat.Size, Utc(stat.LastModified));
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<StoredBlob> ListObjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithRecursive(true), cancellationToken))
        {
            // Objects live at ab/cd/<64 hex>; records/ and anything else in the bucket are not ours to collect.
            var name = item.Key[(item.Key.LastIndexOf('/') + 1)..];
            if (ContentHash.TryParse(name, out var hash) && hash.ToKey() == item.Key)
            {
                yield return new StoredBlob(hash, (long)item.Size, Utc(item.LastModifiedDateTime));
            }
        }
    }

    public Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken = default) =>
        _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(hash.ToKey()), cancellationToken);

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken))
            {
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket), cancellationToken);
            }

            // Listing alone can pass with read-only or anonymous access; prove we can write.
            var probe = $"_probe/{Guid.NewGuid():N}";
            using var bytes = new MemoryStream([1]);
            await _client.PutObjectAsync(
                new PutObjectArgs().WithBucket(Bucket).WithObject(probe).WithStreamData(bytes).WithObjectSize(1), cancellationToken);
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(probe), cancellationToken);
        }
        catch (Exception ex) when (ex is MinioException or HttpRequestException or AuthorizationException)
        {
            var setting = ex is AuthorizationException or AccessDeniedException || ex.Message.Contains("Access", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("Signature", StringComparison.OrdinalIgnoreCase)
                ? "Crm:Storage:S3:AccessKey / Crm:Storage:S3:SecretKey"
                : "Crm:Storage:S3:Endpoint";
            throw new StorageConfigurationException(setting, $"S3 bucket '{Bucket}' at {_options.Endpoint} is not usable: {ex.Message}", ex);
        }
    }

    public async Task PutRecordAsync(string name, byte[] content, CancellationToken cancellationToken = default)
    {
        var key = "records/" + RecordNames.Check(name);
        if (await GetRecordAsync(name, cancellationToken) is not null)
        {
            throw new IOException($"The record '{name}' exists; records are written once.");
        }

        using var data = new MemoryStream(content);
        await _client.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject(key).WithStreamData(data).WithObjectSize(content.Length)
            .WithContentType("application/json"), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListRecordsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithPrefix("records/" + prefix).WithRecursive(true), cancellationToken))
        {
            names.Add(item.Key["records/".Length..]);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    public async Task<byte[]?> GetRecordAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = "records/" + RecordNames.Check(name);
        try
        {
            using var buffer = new MemoryStream();
            await _client.GetObjectAsync(new GetObjectArgs().WithBucket(Bucket).WithObject(key).WithCallbackStream(stream => stream.CopyTo(buffer)), cancellationToken);
            return buffer.ToArray();
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
    }

    public async Task DeleteDerivedRecordAsync(string name, CancellationToken cancellationToken = default) =>
        await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject("records/" + RecordNames.CheckDerived(name)), cancellationToken);

    public void Dispose()
    {
        (_client as IDisposable)?.Dispose();
        _http.Dispose();
    }
}

public sealed class S3StoreOptions
{
    public string? Endpoint { get; set; }
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    public string Bucket { get; set; } = "crm";
    public bool UseTls { get; set; }
    public string? Region { get; set; }
}

/// <summary>A storage setting is wrong; the message names the setting so start-up can report it plainly.</summary>
public sealed class StorageConfigurationException(string setting, string message, Exception? inner = null)
    : Exception($"{setting}: {message}", inner)
{
    public string Setting { get; } = setting;
}
