namespace Llm.Runtime.Inference.Caching;

/// <summary>
/// A radix tree over token ids indexing every prompt prefix whose KV cells are resident (or reserved by a
/// request that is computing them). Each slot's cells are one root-to-node path; shared edges are shared
/// cells, so <see cref="Cells"/> counts every cell once however many sequences use it.
/// </summary>
/// <remarks>
/// <para>
/// The tree has one root per cache partition (<see cref="GenerationRequest.CachePartition"/>), and a slot's path
/// lies entirely under its own partition's root: a lookup sees only its partition's prefixes, a slot can only
/// copy cells from a holder of its partition (<see cref="Attach"/> refuses anything else), and two partitions with
/// the same prompt hold two copies of its cells. So whether a prefix is resident, who is decoding it and whether
/// another sequence covers a slot are questions answered within one partition. The cell count is global, because
/// the KV memory is.
/// </para>
/// <para>Not thread-safe: the engine thread owns it. Lookups compare token runs with vectorised spans.</para>
/// </remarks>
internal sealed class PrefixTrie
{
    // A root lives while some slot holds a path under it, so partitions never outnumber the sequence ids.
    private readonly Dictionary<string, PrefixNode> _roots = new(StringComparer.Ordinal);

    /// <summary>Gets the number of distinct cells on all paths.</summary>
    public int Cells { get; private set; }

    /// <summary>Gets the number of partitions that hold at least one path.</summary>
    public int Partitions => _roots.Count;

    /// <summary>Returns the empty prefix every path of a partition starts from, creating it on first use.</summary>
    public PrefixNode Root(string partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (!_roots.TryGetValue(partition, out var root))
        {
            root = new PrefixNode(null, [], 0, 0) { Partition = partition };
            _roots.Add(partition, root);
        }
        return root;
    }

    /// <summary>Finds the longest prefix of a prompt indexed in a partition; other partitions are not looked at.</summary>
    public PrefixMatch Find(string partition, ReadOnlySpan<int> prompt)
    {
        if (!_roots.TryGetValue(partition, out var node)) return default;
        var depth = 0;
        PrefixNode? deepest = null;
        while (depth < prompt.Length)
        {
            PrefixNode? next = null;
            var matched = 0;
            foreach (var child in node.Children)
            {
                if (child.Source[child.Start] != prompt[depth]) continue;
                var common = child.Tokens.CommonPrefixLength(prompt[depth..]);
                if (common > matched)
                {
                    next = child;
                    matched = common;
                }
            }
            if (next is null) break;
            depth += matched;
            deepest = next;
            if (matched < next.Length) break;
            node = next;
        }
        if (deepest is null) return default;

        KvSlot? holder = null;
        foreach (var candidate in deepest.Holders)
        {
            if (holder is null || candidate.Computed > holder.Computed) holder = candidate;
        }
        return new PrefixMatch(depth, holder);
    }

    /// <summary>Returns the node of a slot's path that ends exactly at <paramref name="depth"/>, splitting an edge if needed.</summary>
    public PrefixNode NodeAt(KvSlot slot, int depth)
    {
        if (depth == 0) return Root(slot.Partition);
        var node = slot.Tail ?? throw new InvalidOperationException("The slot is not attached.");
        while (node.Start >= depth && node.Parent is not null) node = node.Parent;
        if (depth > node.End) throw new ArgumentOutOfRangeException(nameof(depth), "The slot's path is shorter than that.");
        return depth == node.End ? node : Split(node, depth - node.Start);
    }

    /// <summary>
    /// Makes a slot hold the path to <paramref name="at"/> (cells it copied) plus a new edge for
    /// <paramref name="prompt"/>[<paramref name="from"/>..] (cells it will compute itself).
    /// </summary>
    /// <exception cref="InvalidOperationException">The slot is attached already, or <paramref name="at"/> lies in another partition.</exception>
    public void Attach(KvSlot slot, PrefixNode at, int[] prompt, int from)
    {
        if (slot.Tail is not null) throw new InvalidOperationException("The slot is already attached.");
        var root = at;
        while (root.Parent is not null) root = root.Parent;
        if (!_roots.TryGetValue(slot.Partition, out var own) || own != root)
            throw new InvalidOperationException("A slot can only share cells within its own cache partition.");

        for (var node = at; node.Parent is not null; node = node.Parent) node.Holders.Add(slot);
        slot.Tail = at;
        if (from >= prompt.Length) return;

        var edge = new PrefixNode(at, prompt, from, prompt.Length - from);
        edge.Holders.Add(slot);
        at.Children.Add(edge);
        slot.Tail = edge;
        Cells += edge.Length;
    }

    /// <summary>Drops a slot's hold on its path; edges nobody holds any more are removed and their cells counted free.</summary>
    public void Detach(KvSlot slot)
    {
        var node = slot.Tail;
        for (; node?.Parent is not null; node = node.Parent)
        {
            node.Holders.Remove(slot);
            if (node.Holders.Count > 0) continue;
            node.Parent.Children.Remove(node);
            Cells -= node.Length;
        }
        if (node is { Partition: { } partition, Children.Count: 0 } && _roots.TryGetValue(partition, out var root) && root == node) _roots.Remove(partition);
        slot.Tail = null;
    }

    /// <summary>Counts the cells that some running request holds, which evicting cached prefixes cannot free.</summary>
    public int CellsHeldByRunning()
    {
        var cells = 0;
        foreach (var root in _roots.Values) cells += HeldByRunning(root);
        return cells;
    }

    /// <summary>
    /// Gets a value indicating whether every cell of the slot is also held by another slot; that slot is of the
    /// same partition, because paths never cross partitions.
    /// </summary>
    public static bool IsCoveredByOthers(KvSlot slot) => slot.Tail is { } tail && tail.Holders.Count > 1;

    // A node's holders include all of its descendants' holders, so a subtree nobody running holds is skipped.
    private static int HeldByRunning(PrefixNode node)
    {
        var cells = 0;
        foreach (var child in node.Children)
        {
            var running = false;
            foreach (var holder in child.Holders) running |= holder.Owner is not null;
            if (running) cells += child.Length + HeldByRunning(child);
        }
        return cells;
    }

    // Cuts an edge after its first `length` tokens; the upper part keeps the same holders.
    private static PrefixNode Split(PrefixNode node, int length)
    {
        var parent = node.Parent!;
        var upper = new PrefixNode(parent, node.Source, node.Start, length);
        upper.Holders.AddRange(node.Holders);
        parent.Children[parent.Children.IndexOf(node)] = upper;
        upper.Children.Add(node);
        node.Parent = upper;
        node.Start += length;
        node.Length -= length;
        return upper;
    }
}
