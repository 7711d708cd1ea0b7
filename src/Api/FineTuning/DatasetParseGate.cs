namespace Llm.Api.FineTuning;

/// <summary>
/// Bounds how many dataset files are parsed at once (uploads, job validation, jobs starting), so that many
/// uploads or job creations at the same moment cannot each hold a file's bytes and its parsed rows together.
/// </summary>
/// <remarks>Thread-safe. Waiters queue in arrival order; a cancelled waiter leaves the queue without parsing.</remarks>
public sealed class DatasetParseGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _waiting;
    private int _peakWaiting;

    /// <param name="limit">Parses allowed at once, at least 1.</param>
    public DatasetParseGate(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _slots = new SemaphoreSlim(limit, limit);
    }

    /// <summary>Gets the number of parses allowed at once.</summary>
    public int Limit { get; }

    /// <summary>Gets the most callers seen waiting for a slot at once; above 0 means the bound was reached.</summary>
    public int PeakWaiting => Volatile.Read(ref _peakWaiting);

    /// <summary>Waits for a slot, runs <paramref name="parse"/> on the calling thread and frees the slot.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async Task<T> RunAsync<T>(Func<T> parse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!_slots.Wait(0, CancellationToken.None))
        {
            var waiting = Interlocked.Increment(ref _waiting);
            for (var peak = _peakWaiting; waiting > peak; peak = _peakWaiting)
                if (Interlocked.CompareExchange(ref _peakWaiting, waiting, peak) == peak) break;
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        try
        {
            return parse();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
