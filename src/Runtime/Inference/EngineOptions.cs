namespace Llm.Runtime.Inference;

/// <summary>How an engine sizes its llama context and schedules sequences.</summary>
public sealed record EngineOptions
{
    /// <summary>Gets the number of KV cells shared by all sequences (the context size).</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Gets the most tokens decoded in one step (prompt chunks plus one token per running sequence).</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Gets the most sequences decoded together.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary>Gets the most requests that may wait for a slot or KV room beyond the running ones; more are refused.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>
    /// Gets the most prompt prefixes kept in spare sequence ids after their requests end, for later requests to
    /// copy; 0 turns the prefix cache off entirely (no reuse even between running requests).
    /// </summary>
    public int CacheSlots { get; init; } = 4;

    /// <summary>Gets the CPU threads used by llama.cpp; 0 means the machine's physical cores.</summary>
    public int Threads { get; init; }

    /// <summary>Gets the most prompt tokens one request may send; 0 means only the context size limits it.</summary>
    public int MaxPromptTokens { get; init; }

    /// <summary>Gets the sequence ids the context needs: one per running request plus one per cached prefix.</summary>
    public int SequenceIds => Parallel + CacheSlots;
}
