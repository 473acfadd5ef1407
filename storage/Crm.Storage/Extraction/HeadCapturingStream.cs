namespace Crm.Storage.Extraction;

/// <summary>
/// Passes a stream through unchanged and keeps its first bytes, so an upload can be streamed straight
/// into the object store and its content type sniffed from what went by. With <paramref name="keepUpTo"/> it also
/// keeps the whole content when it is no longer than that (for the indexer of this node, see FreshUploads).
/// </summary>
public sealed class HeadCapturingStream(Stream inner, int headLength = ContentSniffer.HeadLength, int keepUpTo = 0, Func<byte[], bool>? keepIf = null) : Stream
{
    private readonly byte[] _head = new byte[headLength];
    private int _captured;
    private MemoryStream? _all = keepUpTo > 0 ? new MemoryStream() : null;

    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _captured);

    /// <summary>The whole content, when it was no longer than the limit given; null otherwise.</summary>
    public ReadOnlyMemory<byte>? Kept => _all is { } all ? (ReadOnlyMemory<byte>?)all.GetBuffer().AsMemory(0, (int)all.Length) : null;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Capture(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Capture(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Capture(ReadOnlySpan<byte> read)
    {
        if (_all is { } all)
        {
            if (all.Length + read.Length > keepUpTo)
            {
                _all = null;   // too long to keep: it is read from the object store later
            }
            else
            {
                all.Write(read);
            }
        }

        if (_captured < _head.Length)
        {
            var take = Math.Min(read.Length, _head.Length - _captured);
            read[..take].CopyTo(_head.AsSpan(_captured));
            _captured += take;
            if (_captured == _head.Length && keepIf is not null && !keepIf(_head))
            {
                _all = null;   // the head says it is not worth keeping (no text to read): stop copying now
            }
        }

        return read.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
