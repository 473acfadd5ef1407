using System.Buffers;
using System.Security.Cryptography;

namespace Crm.Storage.Objects;

/// <summary>
/// Copies an incoming stream to a temporary file while hashing it. The hash names the object, so it
/// must be known before the final write; spooling keeps memory flat for files of any size. A store that
/// re-reads the bytes (S3) may keep small content in memory instead (<see cref="InMemory"/>).
/// </summary>
internal sealed class HashingSpool : IAsyncDisposable
{
    private const int BufferSize = 81920;

    public string Path { get; }
    public long Length { get; private set; }
    public ContentHash Hash { get; private set; }
    private byte[]? _pooled;

    /// <summary>True when the whole content fit in memory (then no file was written).</summary>
    public bool InMemory => _pooled is not null;

    private HashingSpool(string path) => Path = path;

    /// <summary>The spooled bytes, from memory or the temporary file.</summary>
    public Stream OpenRead() => _pooled is { } bytes ? new MemoryStream(bytes, 0, (int)Length, writable: false)
        : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);

    public static async Task<HashingSpool> CreateAsync(Stream content, string tempFolder, long? maxBytes, int inMemoryUpTo, CancellationToken cancellationToken)
    {
        // Read up to the in-memory limit into a pooled buffer (no large allocation per upload, so no
        // gen-2 collections under load); only content larger than that goes to a file.
        var head = ArrayPool<byte>.Shared.Rent(inMemoryUpTo + 1);
        var filled = 0;
        try
        {
            int n;
            while (filled <= inMemoryUpTo && (n = await content.ReadAsync(head.AsMemory(filled, inMemoryUpTo + 1 - filled), cancellationToken)) > 0)
            {
                filled += n;
                if (maxBytes is { } limit && filled > limit)
                {
                    throw new ObjectTooLargeException(limit);
                }
            }

            if (filled <= inMemoryUpTo)
            {
                var spool = new HashingSpool(System.IO.Path.Combine(tempFolder, "in-memory"))
                {
                    _pooled = head,
                    Length = filled,
                    Hash = ContentHash.FromBytes(SHA256.HashData(head.AsSpan(0, filled))),
                };
                head = null;   // owned by the spool now, returned on dispose
                return spool;
            }

            return await CreateAsync(new ConcatenatedStream(head.AsMemory(0, filled), content), tempFolder, maxBytes, cancellationToken);
        }
        finally
        {
            if (head is not null)
            {
                ArrayPool<byte>.Shared.Return(head);
            }
        }
    }

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
        if (_pooled is { } pooled)
        {
            _pooled = null;
            ArrayPool<byte>.Shared.Return(pooled);
            return ValueTask.CompletedTask;
        }

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

/// <summary>Bytes already read, then the rest of the stream.</summary>
internal sealed class ConcatenatedStream(ReadOnlyMemory<byte> first, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _first = first;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_first.IsEmpty)
        {
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        var count = Math.Min(buffer.Length, _first.Length);
        _first[..count].CopyTo(buffer);
        _first = _first[count..];
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
