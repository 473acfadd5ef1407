using Crm.Storage.Extraction;

namespace Crm.Modules.Documents;

/// <summary>
/// Small files this node just received, kept in the extraction scratch folder (mode 0700) until its indexer reads
/// their text: the read then skips a round trip to the object store. Another node, or a file not kept, reads from
/// the store as before; what nobody took is swept after an hour.
/// </summary>
public sealed class FreshUploads(ExtractionWorkerPool workers)
{
    public const int MaxBytes = 2 * 1024 * 1024;

    private string Folder => Path.Combine(workers.Options.ScratchFolder, "fresh");

    public void Keep(string sha256, ReadOnlySpan<byte> bytes)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var part = Path.Combine(Folder, $"{sha256}.{Guid.NewGuid():N}.part");
            File.WriteAllBytes(part, bytes);
            File.Move(part, Path.Combine(Folder, sha256), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // only a shortcut: the object store has the bytes
        }
    }

    /// <summary>Moves the kept copy to <paramref name="path"/>; false when there is none (then read the store).</summary>
    public bool TryTake(string sha256, string path)
    {
        try
        {
            File.Move(Path.Combine(Folder, sha256), path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Removes copies nobody took (another node read the file, or it was not extractable after all).</summary>
    public int Sweep(TimeSpan olderThan)
    {
        if (!Directory.Exists(Folder))
        {
            return 0;
        }

        var swept = 0;
        foreach (var file in new DirectoryInfo(Folder).EnumerateFiles().Where(f => f.LastWriteTimeUtc < DateTime.UtcNow - olderThan))
        {
            try
            {
                file.Delete();
                swept++;
            }
            catch (IOException)
            {
                // taken meanwhile
            }
        }

        return swept;
    }
}
