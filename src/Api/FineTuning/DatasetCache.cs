using Llm.Finetune.Data;

namespace Llm.Api.FineTuning;

/// <summary>
/// One parsed copy of each dataset file in use, shared by every job that holds a <see cref="DatasetLease"/> on it
/// and dropped when the last lease is disposed. Jobs lease their files only while validating and while running, so a
/// queued job holds no rows, and twelve jobs on one file cost one parsed copy, not twelve.
/// </summary>
/// <remarks>
/// Thread-safe. Parses run through the <see cref="DatasetParseGate"/>, off the caller's thread. A parse that fails is
/// forgotten at once, so the next lease tries again; a parse still waiting for the gate when its last lease goes is
/// cancelled.
/// </remarks>
public sealed class DatasetCache(DatasetParseGate gate)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _parsing;
    private int _peakParsing;
    private long _parses;

    /// <summary>Gets the number of files held parsed (or being parsed) now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>Gets the most parses seen running at once.</summary>
    public int PeakParsing => Volatile.Read(ref _peakParsing);

    /// <summary>Gets the number of parses run so far.</summary>
    public long Parses => Interlocked.Read(ref _parses);

    /// <summary>Gets the number of leases held on <paramref name="fileId"/> now; 0 when it is not held.</summary>
    public int References(string fileId)
    {
        lock (_lock) return _entries.TryGetValue(fileId, out var entry) ? entry.References : 0;
    }

    /// <summary>
    /// Leases the parsed rows of <paramref name="fileId"/>, parsing them with <paramref name="parse"/> unless another
    /// lease already holds them. Dispose the lease when done.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is held.</exception>
    /// <remarks>Whatever <paramref name="parse"/> throws is rethrown to every caller waiting on that parse.</remarks>
    public async Task<DatasetLease> AcquireAsync(string fileId, Func<LabeledDataset> parse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileId);
        ArgumentNullException.ThrowIfNull(parse);
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(fileId, out entry!))
            {
                entry = new Entry();
                var token = entry.Abandoned.Token;
                entry.Parsed = Task.Run(() => gate.RunAsync(() => Counted(parse), token), token);
                _entries[fileId] = entry;
            }
            entry.References++;
        }
        try
        {
            var data = await entry.Parsed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new DatasetLease(data, () => Release(fileId, entry));
        }
        catch
        {
            if (entry.Parsed.IsFaulted) Forget(fileId, entry);
            Release(fileId, entry);
            throw;
        }
    }

    private LabeledDataset Counted(Func<LabeledDataset> parse)
    {
        Interlocked.Increment(ref _parses);
        var parsing = Interlocked.Increment(ref _parsing);
        for (var peak = _peakParsing; parsing > peak; peak = _peakParsing)
            if (Interlocked.CompareExchange(ref _peakParsing, parsing, peak) == peak) break;
        try
        {
            return parse();
        }
        finally
        {
            Interlocked.Decrement(ref _parsing);
        }
    }

    private void Release(string fileId, Entry entry)
    {
        lock (_lock)
        {
            if (--entry.References > 0) return;
            if (_entries.TryGetValue(fileId, out var current) && ReferenceEquals(current, entry)) _entries.Remove(fileId);
        }
        entry.Abandoned.Cancel();
    }

    private void Forget(string fileId, Entry entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(fileId, out var current) && ReferenceEquals(current, entry)) _entries.Remove(fileId);
        }
    }

    private sealed class Entry
    {
        public Task<LabeledDataset> Parsed { get; set; } = null!;

        public int References { get; set; }

        /// <summary>Cancelled when the last lease goes, so a parse still waiting for the gate never runs.</summary>
        public CancellationTokenSource Abandoned { get; } = new();
    }
}
