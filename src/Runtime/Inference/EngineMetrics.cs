namespace Llm.Runtime.Inference;

/// <summary>A snapshot of one engine's counters, for the metrics endpoint and tests.</summary>
/// <remarks>Totals only grow; gauges (sequences, cells) are the state at the last engine step.</remarks>
public sealed record EngineMetrics
{
    /// <summary>Gets the prompt tokens of all admitted requests (cached ones included).</summary>
    public long PromptTokens { get; init; }

    /// <summary>Gets the prompt tokens actually decoded (prompt tokens minus those reused from the prefix cache).</summary>
    public long PromptTokensComputed { get; init; }

    /// <summary>Gets the tokens generated.</summary>
    public long GeneratedTokens { get; init; }

    /// <summary>Gets the requests that finished, were cancelled or failed.</summary>
    public long RequestsEnded { get; init; }

    /// <summary>Gets the requests refused because the wait queue was full.</summary>
    public long RequestsRejected { get; init; }

    /// <summary>Gets the sequences being generated.</summary>
    public int ActiveSequences { get; init; }

    /// <summary>Gets the requests waiting for a sequence slot or KV room.</summary>
    public int WaitingSequences { get; init; }

    /// <summary>Gets the KV cells holding decoded tokens (running sequences and retained prefixes, shared cells once).</summary>
    public int KvCellsUsed { get; init; }

    /// <summary>Gets the KV cells promised to admitted requests (used cells plus prompt and generation room not yet decoded).</summary>
    public int KvCellsReserved { get; init; }

    /// <summary>Gets the KV cells of the context.</summary>
    public int KvCellsTotal { get; init; }

    /// <summary>Gets the prefixes kept after their request ended, ready to be copied.</summary>
    public int CachedPrefixes { get; init; }

    /// <summary>Gets the requests that reused at least one cached token.</summary>
    public long PrefixCacheHits { get; init; }

    /// <summary>Gets the requests that looked for a cached prefix.</summary>
    public long PrefixCacheLookups { get; init; }

    /// <summary>Gets the prompt tokens reused instead of decoded.</summary>
    public long PrefixCacheReusedTokens { get; init; }

    /// <summary>Gets the cached prefixes dropped to make room.</summary>
    public long PrefixCacheEvictions { get; init; }

    /// <summary>Gets the time from submission to the first generated token.</summary>
    public required LatencySnapshot TimeToFirstToken { get; init; }

    /// <summary>Gets the time between successive tokens of a sequence.</summary>
    public required LatencySnapshot InterTokenLatency { get; init; }
}
