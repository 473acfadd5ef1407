namespace Crm.Storage.Objects;

/// <summary>
/// Content-addressed blob store. Objects are named by the SHA-256 of their bytes, so writing
/// identical bytes twice stores them once, and a database row can never point at changed content.
/// </summary>
public interface IObjectStore
{
    /// <summary>Streams <paramref name="content"/> into the store and returns its address.</summary>
    /// <param name="maxBytes">Reject (and store nothing) when the stream is longer than this.</param>
    Task<StoredObject> PutAsync(Stream content, long? maxBytes = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading; throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Returns the object's size, or null when it does not exist.</summary>
    Task<long?> GetSizeAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>The object's size and last write, or null when it does not exist.</summary>
    Task<StoredBlob?> StatAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every content object with its size and last write (records are not listed). A put that finds its bytes
    /// already stored refreshes that time, so the collector's grace period also covers a re-upload of old bytes.
    /// </summary>
    IAsyncEnumerable<StoredBlob> ListObjectsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the object aside: the first step of the blob collector's delete. A trashed object is still found by
    /// <see cref="OpenReadAsync"/>, which puts it back. False when it was not there.
    /// </summary>
    Task<bool> TrashAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Puts a trashed object back (a row came to point at it after all); false when none was trashed.</summary>
    Task<bool> RestoreAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>The trashed objects, with the time they were trashed.</summary>
    IAsyncEnumerable<StoredBlob> ListTrashAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a trashed object for good.</summary>
    Task DeleteTrashedAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Removes the object; absent objects are ignored (used by the orphan collector).</summary>
    Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken = default);

    /// <summary>Checks that the store is reachable and writable with the configured settings.</summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a small named record kept outside the database (an audit checkpoint). Records are written once:
    /// writing a name that exists fails (<see cref="IOException"/>). Names: lower-case letters, digits, '-', '.', '/'.
    /// </summary>
    Task PutRecordAsync(string name, byte[] content, CancellationToken cancellationToken = default);

    /// <summary>The names of the records under <paramref name="prefix"/>, in name order.</summary>
    Task<IReadOnlyList<string>> ListRecordsAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>A record's bytes, or null when there is none.</summary>
    Task<byte[]?> GetRecordAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a record made from content (a preview rendition, under <see cref="RecordNames.Derived"/>) once its content
    /// is gone. Other records (audit checkpoints) stay write-once: asking to remove one throws.
    /// </summary>
    Task DeleteDerivedRecordAsync(string name, CancellationToken cancellationToken = default);
}

public static class RecordNames
{
    /// <summary>The prefix of records derived from content (renditions), the only ones that may be removed.</summary>
    public const string Derived = "renditions/";

    /// <summary>Throws unless <paramref name="name"/> is a safe record name under <see cref="Derived"/>.</summary>
    public static string CheckDerived(string name) =>
        Check(name).StartsWith(Derived, StringComparison.Ordinal) ? name : throw new ArgumentException($"'{name}' is not a derived record; records are written once.", nameof(name));

    /// <summary>Throws unless <paramref name="name"/> is a safe record name (no path tricks).</summary>
    public static string Check(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9._/-]{0,200}$") && !name.Contains("..", StringComparison.Ordinal)
            ? name : throw new ArgumentException($"'{name}' is not a record name.", nameof(name));
}

/// <summary>
/// The address and size of a stored object. <see cref="Created"/> is false when the store saw the bytes
/// were already there (the S3 store does not ask for small objects; rewriting them is cheaper).
/// </summary>
public sealed record StoredObject(ContentHash Hash, long Length, bool Created);

/// <summary>A content object as listed: its address, size and when it was last written.</summary>
public sealed record StoredBlob(ContentHash Hash, long Size, DateTimeOffset LastWritten);

public sealed class ObjectNotFoundException(ContentHash hash)
    : Exception($"Object {hash} does not exist in the object store.")
{
    public ContentHash Hash { get; } = hash;
}

public sealed class ObjectTooLargeException(long maxBytes)
    : Exception($"The content is larger than the limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
