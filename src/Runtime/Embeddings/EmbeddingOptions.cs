namespace Llm.Runtime.Embeddings;

/// <summary>How an embedding context is sized.</summary>
public sealed record EmbeddingOptions
{
    /// <summary>Gets the most tokens in one input; also the context and batch size, since a pooled sequence must fit one batch.</summary>
    public int MaxInputTokens { get; init; } = 2048;

    /// <summary>Gets the most inputs embedded in one decode.</summary>
    public int MaxSequencesPerBatch { get; init; } = 16;

    /// <summary>Gets the CPU threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Gets the layers offloaded to the GPU.</summary>
    public int GpuLayers { get; init; }
}
