namespace Crm.Storage.Objects;

/// <summary>The embedded default: objects as files under a folder, written atomically (temp file + rename).</summary>
public sealed class FileSystemObjectStore(string rootFolder) : IObjectStore
{
    private readonly string _root = Path.GetFullPath(rootFolder);
    private string TempFolder => Path.Combine(_root, ".tmp");

    public async Task<StoredObject> PutAsync(Stream content, long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        await using var spool = await HashingSpool.CreateAsync(content, TempFolder, maxBytes, cancellationToken);
        var target = PathOf(spool.Hash);
        if (File.Exists(target) && Touch(target))
        {
            return new StoredObject(spool.Hash, spool.Length, Created: false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(spool.Path, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target) && Touch(target))
        {
            // Another writer stored the same bytes first: same name means same content.
            return new StoredObject(spool.Hash, spool.Length, Created: false);
        }

        return new StoredObject(spool.Hash, spool.Length, Created: true);
    }

    public async Task<Stream> OpenReadAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var path = PathOf(hash);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Trashed by the collector while an upload of the same bytes committed its row: back it comes.
                if (attempt > 0 || !await RestoreAsync(hash, cancellationToken))
                {
                    throw new ObjectNotFoundException(hash);
                }
            }
        }
    }

    private string TrashPathOf(ContentHash hash) => Path.Combine(_root, ".trash", hash.ToKey());

    public Task<bool> TrashAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var trash = TrashPathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(trash)!);
        try
        {
            File.Move(PathOf(hash), trash, overwrite: true);
            File.SetLastWriteTimeUtc(trash, DateTime.UtcNow);   // when it was trashed
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
    }

    public Task<bool> RestoreAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var trash = TrashPathOf(hash);
        var target = PathOf(hash);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(trash, target, overwrite: false);
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(File.Exists(target));
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(trash);   // stored again meanwhile: same name, same bytes
            return Task.FromResult(true);
        }
    }

    public async IAsyncEnumerable<StoredBlob> ListTrashAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(_root, ".trash");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ContentHash.TryParse(Path.GetFileName(file), out var hash) && TrashPathOf(hash) == file && new FileInfo(file) is { Exists: true } info)
            {
                yield return new StoredBlob(hash, info.Length, info.LastWriteTimeUtc);
            }
        }

        await Task.CompletedTask;
    }

    public Task DeleteTrashedAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        File.Delete(TrashPathOf(hash));
        return Task.CompletedTask;
    }

    public Task<long?> GetSizeAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(hash));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    /// <summary>
    /// A fresh write time: the blob collector leaves objects written within its grace period alone. False when the
    /// object is gone (collected in between): then the caller stores the bytes again.
    /// </summary>
    private static bool Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public Task<StoredBlob?> StatAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(hash));
        return Task.FromResult(info.Exists ? new StoredBlob(hash, info.Length, info.LastWriteTimeUtc) : null);
    }

    public async IAsyncEnumerable<StoredBlob> ListObjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        // Objects live at ab/cd/<64 hex>; the temp folder and records are not objects.
        foreach (var file in Directory.EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ContentHash.TryParse(Path.GetFileName(file), out var hash) && PathOf(hash) == file)
            {
                var info = new FileInfo(file);
                if (info.Exists)
                {
                    yield return new StoredBlob(hash, info.Length, info.LastWriteTimeUtc);
                }
            }
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(hash));
        return Task.CompletedTask;
    }

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(TempFolder);
        var probe = Path.Combine(TempFolder, $"probe-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(probe, "ok", cancellationToken);
        File.Delete(probe);
    }

    public async Task PutRecordAsync(string name, byte[] content, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);   // write-once
        await file.WriteAsync(content, cancellationToken);
        await file.FlushAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListRecordsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(_root, "records");
        var folder = Path.GetDirectoryName(RecordPath(prefix + "x"))!;
        IReadOnlyList<string> names = Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
            : [];
        return Task.FromResult(names);
    }

    public async Task<byte[]?> GetRecordAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = RecordPath(name);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteDerivedRecordAsync(string name, CancellationToken cancellationToken = default)
    {
        File.Delete(RecordPath(RecordNames.CheckDerived(name)));   // no error when it is already gone
        return Task.CompletedTask;
    }

    private string RecordPath(string name) => Path.Combine(_root, "records", RecordNames.Check(name).Replace('/', Path.DirectorySeparatorChar));

    // The hash is validated hex, so the path cannot escape the root.
    private string PathOf(ContentHash hash) => Path.Combine(_root, hash.ToKey());
}
