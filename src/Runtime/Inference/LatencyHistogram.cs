using System.Diagnostics;

namespace Llm.Runtime.Inference;

/// <summary>
/// Counts latencies into fixed buckets (Prometheus style) without allocating, so the engine thread can
/// record every token. Reads from other threads see each counter atomically, not all of them as one.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Gets the upper bounds of the buckets in seconds; a last, unbounded bucket follows them.</summary>
    public static IReadOnlyList<double> UpperBoundsSeconds { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly long[] _counts = new long[UpperBoundsSeconds.Count + 1];
    private long _count;
    private long _sumTicks;

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Record(long startTimestamp, long endTimestamp)
    {
        var ticks = Math.Max(0, endTimestamp - startTimestamp);
        var seconds = (double)ticks / Stopwatch.Frequency;
        var bucket = 0;
        while (bucket < UpperBoundsSeconds.Count && seconds > UpperBoundsSeconds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumTicks, ticks);
        Interlocked.Increment(ref _count);
    }

    /// <summary>Copies the current counts.</summary>
    public LatencySnapshot Snapshot()
    {
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref _counts[i]);
        return new LatencySnapshot(counts, Interlocked.Read(ref _count), (double)Interlocked.Read(ref _sumTicks) / Stopwatch.Frequency);
    }
}

/// <summary>A copy of a <see cref="LatencyHistogram"/>.</summary>
/// <param name="BucketCounts">Observations per bucket (not cumulative), one more than <see cref="LatencyHistogram.UpperBoundsSeconds"/>.</param>
/// <param name="Count">All observations.</param>
/// <param name="SumSeconds">Their total.</param>
public sealed record LatencySnapshot(IReadOnlyList<long> BucketCounts, long Count, double SumSeconds)
{
    /// <summary>Gets the mean in seconds, or 0 with no observations.</summary>
    public double MeanSeconds => Count == 0 ? 0 : SumSeconds / Count;
}
