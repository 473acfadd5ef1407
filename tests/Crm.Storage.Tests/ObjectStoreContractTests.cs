using System.Security.Cryptography;
using Crm.Storage.Objects;
using Crm.Tests;
using Xunit;

namespace Crm.Storage.Tests;

/// <summary>One contract, every implementation: the folder store and a real S3 server must behave alike.</summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    protected string Scratch { get; } = Path.Combine(Path.GetTempPath(), "crm-store-tests", Guid.NewGuid().ToString("N"));

    private IObjectStore? _store;

    protected IObjectStore Store => _store ??= CreateStore();

    protected abstract IObjectStore CreateStore();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        if (Directory.Exists(Scratch))
        {
            Directory.Delete(Scratch, recursive: true);
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Put_ThenRead_ReturnsSameBytesUnderTheirSha256()
    {
        await Store.EnsureReadyAsync();
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var stored = await Store.PutAsync(new MemoryStream(bytes));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Hash.Value);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.True(stored.Created);
        await using var read = await Store.OpenReadAsync(stored.Hash);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(bytes.Length, await Store.GetSizeAsync(stored.Hash));
    }

    [Fact]
    public async Task Put_SameBytesTwice_StoresOnce()
    {
        await Store.EnsureReadyAsync();
        var bytes = "identical content"u8.ToArray();

        var first = await Store.PutAsync(new MemoryStream(bytes));
        var second = await Store.PutAsync(new MemoryStream(bytes));

        Assert.Equal(first.Hash, second.Hash);
        Assert.True(first.Created);
        Assert.Equal(bytes.Length, await Store.GetSizeAsync(first.Hash));
    }

    [Fact]
    public async Task Put_SameLargeBytesTwice_DoesNotSendThemAgain()
    {
        await Store.EnsureReadyAsync();
        var bytes = RandomNumberGenerator.GetBytes(9 * 1024 * 1024);

        var first = await Store.PutAsync(new MemoryStream(bytes));
        var second = await Store.PutAsync(new MemoryStream(bytes));

        Assert.Equal(first.Hash, second.Hash);
        Assert.True(first.Created);
        Assert.False(second.Created);
    }

    [Fact]
    public async Task Put_LargerThanLimit_ThrowsAndStoresNothing()
    {
        await Store.EnsureReadyAsync();
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var hash = ContentHash.FromBytes(SHA256.HashData(bytes));

        await Assert.ThrowsAsync<ObjectTooLargeException>(() => Store.PutAsync(new MemoryStream(bytes), maxBytes: 9_999));

        Assert.Null(await Store.GetSizeAsync(hash));
    }

    [Fact]
    public async Task Put_StreamOfUnknownLength_IsStreamedNotBuffered()
    {
        await Store.EnsureReadyAsync();
        // A non-seekable stream of 12 MiB: the store must not need its length up front.
        var source = new GeneratedStream(12 * 1024 * 1024);

        var stored = await Store.PutAsync(source);

        Assert.Equal(12 * 1024 * 1024, stored.Length);
        Assert.Equal(source.Hash, stored.Hash.Value);
        Assert.Equal(stored.Length, await Store.GetSizeAsync(stored.Hash));
    }

    [Fact]
    public async Task OpenRead_Missing_ThrowsObjectNotFound()
    {
        await Store.EnsureReadyAsync();
        var missing = ContentHash.FromBytes(SHA256.HashData(Guid.NewGuid().ToByteArray()));

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(missing));
        Assert.Null(await Store.GetSizeAsync(missing));
    }

    [Fact]
    public async Task Delete_RemovesObject_AndIgnoresMissing()
    {
        await Store.EnsureReadyAsync();
        var stored = await Store.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(64)));

        await Store.DeleteAsync(stored.Hash);
        await Store.DeleteAsync(stored.Hash);

        Assert.Null(await Store.GetSizeAsync(stored.Hash));
    }

    [Fact]
    public async Task Put_Concurrently_SameBytes_AllSucceedWithOneObject()
    {
        await Store.EnsureReadyAsync();
        var bytes = RandomNumberGenerator.GetBytes(50_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.PutAsync(new MemoryStream(bytes))));

        Assert.Single(results.Select(r => r.Hash).Distinct());
        Assert.Equal(bytes.Length, await Store.GetSizeAsync(results[0].Hash));
    }

    /// <summary>Deterministic pseudo-random bytes produced on the fly; not seekable, length unknown to the reader.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private string? _hash;

        public string Hash => _hash ??= Convert.ToHexStringLower(_sha.GetHashAndReset());

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) * 31 % 251);
            }

            _sha.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class FileSystemObjectStoreTests : ObjectStoreContractTests
{
    protected override IObjectStore CreateStore() => new FileSystemObjectStore(Path.Combine(Scratch, "objects"));

    [Fact]
    public async Task Put_LeavesNoTempFilesBehind()
    {
        await Store.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)));
        await Assert.ThrowsAsync<ObjectTooLargeException>(() => Store.PutAsync(new MemoryStream(new byte[100]), maxBytes: 10));

        Assert.Empty(Directory.GetFiles(Path.Combine(Scratch, "objects", ".tmp")));
    }
}

public sealed class S3ObjectStoreTests : ObjectStoreContractTests
{
    private readonly string _bucket = $"crm-test-{Guid.NewGuid():N}"[..30];

    protected override IObjectStore CreateStore() => new S3ObjectStore(
        new S3StoreOptions
        {
            Endpoint = TestEnvironment.RequireS3(),
            AccessKey = TestEnvironment.S3AccessKey,
            SecretKey = TestEnvironment.S3SecretKey,
            Bucket = _bucket,
        },
        Path.Combine(Scratch, "tmp"));

    [Fact]
    public async Task EnsureReady_WithWrongSecret_NamesTheCredentialSettings()
    {
        using var store = new S3ObjectStore(
            new S3StoreOptions { Endpoint = TestEnvironment.RequireS3(), AccessKey = TestEnvironment.S3AccessKey, SecretKey = "wrong-secret", Bucket = _bucket },
            Path.Combine(Scratch, "tmp"));

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => store.EnsureReadyAsync());

        Assert.Contains("Crm:Storage:S3:SecretKey", error.Setting, StringComparison.Ordinal);
    }
}
