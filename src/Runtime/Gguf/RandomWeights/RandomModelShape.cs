namespace Llm.Runtime.Gguf.RandomWeights;

/// <summary>
/// The sizes of a random-weight model. The defaults give files of a few MB for vocabularies of 30-150 K tokens:
/// the token embedding (vocabulary x <see cref="EmbeddingLength"/> F16 values) dominates.
/// </summary>
public sealed record RandomModelShape
{
    /// <summary>Width of the residual stream; a multiple of <see cref="HeadCount"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int BlockCount { get; init; } = 1;

    /// <summary>Query heads; each is <see cref="EmbeddingLength"/> / <see cref="HeadCount"/> wide.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention); divides <see cref="HeadCount"/>.</summary>
    public int KvHeadCount { get; init; } = 2;

    /// <summary>Hidden width of the feed-forward network.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Training context length written to <c>ARCH.context_length</c>, in tokens.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>Width of one attention head.</summary>
    public int HeadLength => EmbeddingLength / HeadCount;

    internal void Validate()
    {
        if (EmbeddingLength <= 0 || BlockCount <= 0 || HeadCount <= 0 || KvHeadCount <= 0 || FeedForwardLength <= 0 || ContextLength <= 0)
            throw new ArgumentException("Every size of a random model must be positive.");
        if (EmbeddingLength % HeadCount != 0)
            throw new ArgumentException($"The embedding length {EmbeddingLength} is not a multiple of the head count {HeadCount}.");
        if (HeadCount % KvHeadCount != 0)
            throw new ArgumentException($"The head count {HeadCount} is not a multiple of the key/value head count {KvHeadCount}.");
        if (HeadLength % 2 != 0)
            throw new ArgumentException($"RoPE needs an even head width, not {HeadLength}.");
    }
}
