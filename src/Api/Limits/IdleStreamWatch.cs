using System.Diagnostics;

namespace Llm.Api.Limits;

/// <summary>
/// A response body that remembers when it last made progress, so a stream that writes nothing for too long
/// (its client stopped reading, or it never got a slot) can be ended and its KV cells freed.
/// </summary>
internal sealed class IdleStreamWatch(Stream inner) : Stream
{
    private long _lastProgress = Stopwatch.GetTimestamp();
    private int _pending;

    /// <summary>Gets how long since the last write or flush completed; zero while one is in progress but not yet stuck.</summary>
    public TimeSpan Idle => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastProgress));

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pending);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
            Progress();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await inner.FlushAsync(cancellationToken);
        Progress();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Progress();
    }

    public override void Flush()
    {
        inner.Flush();
        Progress();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private void Progress() => Volatile.Write(ref _lastProgress, Stopwatch.GetTimestamp());
}
