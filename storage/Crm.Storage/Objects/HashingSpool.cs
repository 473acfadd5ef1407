using System.Security.Cryptography;

namespace Crm.Storage.Objects;

/// <summary>
/// Copies an incoming stream to a temporary file while hashing it. The hash names the object, so it
/// must be known before the final write; spooling keeps memory flat for files of any size.
/// </summary>
internal sealed class HashingSpool : IAsyncDisposable
{
    private const int BufferSize = 81920;

    public string Path { get; }
    public long Length { get; private set; }
    public ContentHash Hash { get; private set; }

    private HashingSpool(string path) => Path = path;

    public static async Task<HashingSpool> CreateAsync(Stream content, string tempFolder, long? maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempFolder);
        var spool = new HashingSpool(System.IO.Path.Combine(tempFolder, $"{Guid.NewGuid():N}.part"));
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(spool.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    spool.Length += read;
                    if (maxBytes is { } limit && spool.Length > limit)
                    {
                        throw new ObjectTooLargeException(limit);
                    }

                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            spool.Hash = ContentHash.FromBytes(sha.GetHashAndReset());
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless; the folder is scratch space.
        }

        return ValueTask.CompletedTask;
    }
}
