namespace Llm.Api.Limits;

/// <summary>
/// A request body that throws Kestrel's 413 <see cref="BadHttpRequestException"/> once more than <see cref="Limit"/>
/// bytes have been read, leaving the stream below it readable (for draining, see <see cref="RequestBodyLimit"/>).
/// </summary>
internal sealed class LimitedBodyStream(Stream inner, long? limit) : Stream
{
    private long _read;

    /// <summary>Gets or sets the most bytes that may be read; null means no cap.</summary>
    public long? Limit { get; set; } = limit;

    /// <summary>Gets whether reading has begun (after which the cap can no longer change).</summary>
    public bool Started { get; private set; }

    /// <summary>Gets whether the body turned out larger than the cap.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Started = true;
        if (Exceeded) throw TooLarge();
        // Read at most one byte past the cap, so an oversized body is detected without reading on.
        if (Limit is { } cap && buffer.Length > cap - _read + 1) buffer = buffer[..(int)Math.Max(1, cap - _read + 1)];
        var count = await inner.ReadAsync(buffer, cancellationToken);
        return Count(count);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        Started = true;
        if (Exceeded) throw TooLarge();
        if (Limit is { } cap && count > cap - _read + 1) count = (int)Math.Max(1, cap - _read + 1);
        return Count(inner.Read(buffer, offset, count));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int count)
    {
        _read += count;
        if (Limit is { } cap && _read > cap)
        {
            Exceeded = true;
            throw TooLarge();
        }
        return count;
    }

    private static BadHttpRequestException TooLarge() => new("The request body is larger than this server accepts.", StatusCodes.Status413PayloadTooLarge);
}
