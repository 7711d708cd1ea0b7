using LLama.Native;
using Llm.Runtime.Inference;
using Llm.Runtime.Inference.Caching;

namespace Llm.Runtime.Tests.Inference;

public sealed class PrefixTrieTests
{
    private static KvSlot Attach(PrefixTrie trie, int id, int[] prompt, int reuse = 0, KvSlot? from = null)
    {
        var slot = new KvSlot((LLamaSeqId)id);
        var at = reuse == 0 ? trie.Root : trie.NodeAt(from!, reuse);
        trie.Attach(slot, at, prompt, reuse);
        slot.Computed = prompt.Length;
        return slot;
    }

    [Fact]
    public void FindsTheLongestPrefixAndAHolderOfIt()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5]);
        Assert.Equal(new PrefixMatch(3, a), trie.Find([1, 2, 3, 9]));
        Assert.Equal(new PrefixMatch(5, a), trie.Find([1, 2, 3, 4, 5, 6]));
        Assert.Equal(0, trie.Find([7, 1, 2]).Length);
        Assert.Null(trie.Find([7]).Holder);
    }

    [Fact]
    public void SharedCellsAreCountedOnceAndFreedWithTheLastHolder()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5]);
        var b = Attach(trie, 1, [1, 2, 3, 8, 9, 10], reuse: 3, from: a);
        Assert.Equal(5 + 3, trie.Cells);
        Assert.Equal(new PrefixMatch(5, b), trie.Find([1, 2, 3, 8, 9, 11]));
        Assert.Equal(3, trie.Find([1, 2, 3, 7]).Length);

        trie.Detach(a);
        Assert.Equal(6, trie.Cells);
        Assert.Equal(new PrefixMatch(3, b), trie.Find([1, 2, 3, 4, 5]));
        trie.Detach(b);
        Assert.Equal(0, trie.Cells);
        Assert.Equal(0, trie.Find([1, 2, 3]).Length);
    }

    [Fact]
    public void RecomputedLastTokenIsItsOwnCellAndCoversNothing()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3]);
        // The same prompt again reuses all but the last token, which it decodes into a cell of its own.
        var b = Attach(trie, 1, [1, 2, 3], reuse: 2, from: a);
        Assert.Equal(4, trie.Cells);
        Assert.False(PrefixTrie.IsCoveredByOthers(a));
        Assert.Equal(3, trie.Find([1, 2, 3]).Length);

        var c = Attach(trie, 2, [1, 2, 3, 4], reuse: 3, from: a);
        Assert.True(PrefixTrie.IsCoveredByOthers(a));
        Assert.False(PrefixTrie.IsCoveredByOthers(c));
        trie.Detach(a);
        trie.Detach(b);
        trie.Detach(c);
        Assert.Equal(0, trie.Cells);
    }

    [Fact]
    public void HolderThatDecodedMostIsPreferred()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4]);
        var b = Attach(trie, 1, [1, 2, 3, 4, 5], reuse: 3, from: a);
        a.Computed = 1;
        Assert.Same(b, trie.Find([1, 2, 3, 7]).Holder);
    }

    [Fact]
    public void CellsHeldByRunningRequestsExcludeCachedOnlyOnes()
    {
        var trie = new PrefixTrie();
        var cached = Attach(trie, 0, [1, 2, 3, 4, 5]);
        var running = Attach(trie, 1, [1, 2, 3, 8, 9], reuse: 3, from: cached);
        running.Owner = new Sequence(new GenerationRequest { PromptTokens = [1] }, [1], 1, 0);
        Assert.Equal(5, trie.CellsHeldByRunning());
        Assert.Equal(7, trie.Cells);
    }
}
