namespace Llm.Runtime.Inference.Caching;

/// <summary>
/// A radix tree over token ids indexing every prompt prefix whose KV cells are resident (or reserved by a
/// request that is computing them). Each slot's cells are one root-to-node path; shared edges are shared
/// cells, so <see cref="Cells"/> counts every cell once however many sequences use it.
/// </summary>
/// <remarks>Not thread-safe: the engine thread owns it. Lookups compare token runs with vectorised spans.</remarks>
internal sealed class PrefixTrie
{
    private readonly PrefixNode _root = new(null, [], 0, 0);

    /// <summary>Gets the empty prefix every path starts from.</summary>
    public PrefixNode Root => _root;

    /// <summary>Gets the number of distinct cells on all paths.</summary>
    public int Cells { get; private set; }

    /// <summary>Finds the longest indexed prefix of a prompt.</summary>
    public PrefixMatch Find(ReadOnlySpan<int> prompt)
    {
        var node = _root;
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
        if (depth == 0) return _root;
        var node = slot.Tail ?? throw new InvalidOperationException("The slot is not attached.");
        while (node.Start >= depth) node = node.Parent!;
        if (depth > node.End) throw new ArgumentOutOfRangeException(nameof(depth), "The slot's path is shorter than that.");
        return depth == node.End ? node : Split(node, depth - node.Start);
    }

    /// <summary>
    /// Makes a slot hold the path to <paramref name="at"/> (cells it copied) plus a new edge for
    /// <paramref name="prompt"/>[<paramref name="from"/>..] (cells it will compute itself).
    /// </summary>
    public void Attach(KvSlot slot, PrefixNode at, int[] prompt, int from)
    {
        if (slot.Tail is not null) throw new InvalidOperationException("The slot is already attached.");
        for (var node = at; node != _root; node = node.Parent!) node.Holders.Add(slot);
        slot.Tail = at;
        if (from >= prompt.Length) return;

        var own = new PrefixNode(at, prompt, from, prompt.Length - from);
        own.Holders.Add(slot);
        at.Children.Add(own);
        slot.Tail = own;
        Cells += own.Length;
    }

    /// <summary>Drops a slot's hold on its path; edges nobody holds any more are removed and their cells counted free.</summary>
    public void Detach(KvSlot slot)
    {
        for (var node = slot.Tail; node is not null && node != _root; node = node.Parent)
        {
            node.Holders.Remove(slot);
            if (node.Holders.Count > 0) continue;
            node.Parent!.Children.Remove(node);
            Cells -= node.Length;
        }
        slot.Tail = null;
    }

    /// <summary>Counts the cells that some running request holds, which evicting cached prefixes cannot free.</summary>
    public int CellsHeldByRunning() => HeldByRunning(_root);

    /// <summary>Gets a value indicating whether every cell of the slot is also held by another slot.</summary>
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
