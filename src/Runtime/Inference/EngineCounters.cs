namespace Llm.Runtime.Inference;

/// <summary>
/// The engine's live counters. The engine thread writes them (Submit writes the queue ones) with
/// interlocked operations so <see cref="Snapshot"/> can run on any thread without a lock.
/// </summary>
internal sealed class EngineCounters
{
    public long PromptTokens;
    public long PromptTokensComputed;
    public long GeneratedTokens;
    public long RequestsEnded;
    public long RequestsRejected;
    public int ActiveSequences;
    public int WaitingSequences;
    public int KvCellsUsed;
    public int KvCellsReserved;
    public int CachedPrefixes;
    public long PrefixCacheHits;
    public long PrefixCacheLookups;
    public long PrefixCacheReusedTokens;
    public long PrefixCacheEvictions;

    public LatencyHistogram TimeToFirstToken { get; } = new();

    public LatencyHistogram InterTokenLatency { get; } = new();

    public EngineMetrics Snapshot(int contextSize) => new()
    {
        PromptTokens = Interlocked.Read(ref PromptTokens),
        PromptTokensComputed = Interlocked.Read(ref PromptTokensComputed),
        GeneratedTokens = Interlocked.Read(ref GeneratedTokens),
        RequestsEnded = Interlocked.Read(ref RequestsEnded),
        RequestsRejected = Interlocked.Read(ref RequestsRejected),
        ActiveSequences = Volatile.Read(ref ActiveSequences),
        WaitingSequences = Volatile.Read(ref WaitingSequences),
        KvCellsUsed = Volatile.Read(ref KvCellsUsed),
        KvCellsReserved = Volatile.Read(ref KvCellsReserved),
        KvCellsTotal = contextSize,
        CachedPrefixes = Volatile.Read(ref CachedPrefixes),
        PrefixCacheHits = Interlocked.Read(ref PrefixCacheHits),
        PrefixCacheLookups = Interlocked.Read(ref PrefixCacheLookups),
        PrefixCacheReusedTokens = Interlocked.Read(ref PrefixCacheReusedTokens),
        PrefixCacheEvictions = Interlocked.Read(ref PrefixCacheEvictions),
        TimeToFirstToken = TimeToFirstToken.Snapshot(),
        InterTokenLatency = InterTokenLatency.Snapshot(),
    };
}
