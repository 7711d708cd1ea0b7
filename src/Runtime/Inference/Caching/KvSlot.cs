using LLama.Native;

namespace Llm.Runtime.Inference.Caching;

/// <summary>
/// A llama sequence id whose cells are resident: the sequence of a running request, or a prefix kept after
/// its request ended so later requests can copy it. Its cells are the path from its partition's trie root to
/// <see cref="Tail"/>.
/// </summary>
/// <remarks>Engine-thread only.</remarks>
internal sealed class KvSlot(LLamaSeqId id, string partition = "")
{
    public LLamaSeqId Id { get; } = id;

    /// <summary>Gets the cache partition of the request that filled the slot: only that partition may copy its cells.</summary>
    public string Partition { get; } = partition;

    /// <summary>Gets or sets the deepest trie node of the slot's path; null until the slot is attached.</summary>
    public PrefixNode? Tail { get; set; }

    /// <summary>Gets or sets how many leading positions of the path are decoded (the rest is reserved, not yet computed).</summary>
    public int Computed { get; set; }

    /// <summary>Gets or sets the last time (a logical tick) a request used this slot's prefix; drives LRU eviction.</summary>
    public long LastUsed { get; set; }

    /// <summary>Gets or sets the running request that owns the slot; null for a retained cache entry.</summary>
    public Sequence? Owner { get; set; }

    /// <summary>Gets the number of tokens on the slot's path.</summary>
    public int Length => Tail?.End ?? 0;
}
