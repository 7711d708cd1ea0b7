namespace Llm.Runtime.Inference.Caching;

/// <summary>
/// One edge of the prefix trie: a run of token positions whose KV cells are physically shared by every
/// slot in <see cref="Holders"/>. Two siblings may start with the same token when they are different cells
/// (a request always recomputes its last prompt token), so the trie mirrors the cache, not just the text.
/// </summary>
internal sealed class PrefixNode
{
    public PrefixNode(PrefixNode? parent, int[] source, int start, int length)
    {
        Parent = parent;
        Source = source;
        Start = start;
        Length = length;
    }

    /// <summary>Gets or sets the edge above this one; null for a partition's root.</summary>
    public PrefixNode? Parent { get; set; }

    /// <summary>Gets the cache partition a root stands for; null on every other node.</summary>
    public string? Partition { get; init; }

    /// <summary>Gets or sets the token array the edge's tokens live in (the prompt that first computed them).</summary>
    public int[] Source { get; set; }

    /// <summary>Gets or sets the index in <see cref="Source"/> of the edge's first token, which is also its position.</summary>
    public int Start { get; set; }

    public int Length { get; set; }

    /// <summary>Gets the position just past the edge.</summary>
    public int End => Start + Length;

    public List<PrefixNode> Children { get; } = [];

    /// <summary>Gets the slots whose path runs through this edge; the edge's cells live while any remains.</summary>
    public List<KvSlot> Holders { get; } = [];

    public ReadOnlySpan<int> Tokens => Source.AsSpan(Start, Length);
}
