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

    /// <summary>Gets the CPU threads used by llama.cpp; 0 means the machine's physical cores.</summary>
    public int Threads { get; init; }
}
