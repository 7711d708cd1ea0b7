using LLama.Native;
using Llm.Runtime.Inference;
using Llm.Runtime.Inference.Caching;

namespace Llm.Runtime.Tests.Inference;

public sealed class PrefixTrieTests
{
    private static KvSlot Attach(PrefixTrie trie, int id, int[] prompt, int reuse = 0, KvSlot? from = null, string partition = "")
    {
        var slot = new KvSlot((LLamaSeqId)id, partition);
        var at = reuse == 0 ? trie.Root(partition) : trie.NodeAt(from!, reuse);
        trie.Attach(slot, at, prompt, reuse);
        slot.Computed = prompt.Length;
        return slot;
    }

    [Fact]
    public void FindsTheLongestPrefixAndAHolderOfIt()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5]);
        Assert.Equal(new PrefixMatch(3, a), trie.Find("", [1, 2, 3, 9]));
        Assert.Equal(new PrefixMatch(5, a), trie.Find("", [1, 2, 3, 4, 5, 6]));
        Assert.Equal(0, trie.Find("", [7, 1, 2]).Length);
        Assert.Null(trie.Find("", [7]).Holder);
    }

    [Fact]
    public void SharedCellsAreCountedOnceAndFreedWithTheLastHolder()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5]);
        var b = Attach(trie, 1, [1, 2, 3, 8, 9, 10], reuse: 3, from: a);
        Assert.Equal(5 + 3, trie.Cells);
        Assert.Equal(new PrefixMatch(5, b), trie.Find("", [1, 2, 3, 8, 9, 11]));
        Assert.Equal(3, trie.Find("", [1, 2, 3, 7]).Length);

        trie.Detach(a);
        Assert.Equal(6, trie.Cells);
        Assert.Equal(new PrefixMatch(3, b), trie.Find("", [1, 2, 3, 4, 5]));
        trie.Detach(b);
        Assert.Equal(0, trie.Cells);
        Assert.Equal(0, trie.Find("", [1, 2, 3]).Length);
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
        Assert.Equal(3, trie.Find("", [1, 2, 3]).Length);

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
        Assert.Same(b, trie.Find("", [1, 2, 3, 7]).Holder);
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

    [Fact]
    public void APartitionFindsOnlyItsOwnPrefixes()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5], partition: "a");
        Assert.Equal(new PrefixMatch(4, a), trie.Find("a", [1, 2, 3, 4, 9]));
        // Every other partition sees nothing of it: not one token, however well it guesses.
        foreach (var other in new[] { "", "b", "A", "a ", "a\0" })
        {
            Assert.Equal(default, trie.Find(other, [1, 2, 3, 4, 5]));
            Assert.Equal(default, trie.Find(other, [1]));
        }

        // The same prompt in another partition is a second copy of its cells, not a share of the first.
        var b = Attach(trie, 1, [1, 2, 3, 4, 5], partition: "b");
        Assert.Equal(10, trie.Cells);
        Assert.Equal(2, trie.Partitions);
        Assert.Same(a, trie.Find("a", [1, 2, 3]).Holder);
        Assert.Same(b, trie.Find("b", [1, 2, 3]).Holder);
        Assert.False(PrefixTrie.IsCoveredByOthers(a));
        Assert.False(PrefixTrie.IsCoveredByOthers(b));
    }

    [Fact]
    public void CopyingCellsAcrossPartitionsIsRefused()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3, 4, 5], partition: "a");
        var intruder = new KvSlot((LLamaSeqId)1, "b");
        trie.Root("b");
        Assert.Throws<InvalidOperationException>(() => trie.Attach(intruder, trie.NodeAt(a, 3), [1, 2, 3, 7], 3));
        Assert.Throws<InvalidOperationException>(() => trie.Attach(intruder, trie.Root("a"), [1, 2, 3, 7], 0));
        Assert.Null(intruder.Tail);
        Assert.Equal(5, trie.Cells);
        Assert.DoesNotContain(intruder, trie.NodeAt(a, 3).Holders);

        // A slot that a longer prompt of its own partition covers is still covered only by that one.
        var longer = Attach(trie, 2, [1, 2, 3, 4, 5, 6], reuse: 5, from: a, partition: "a");
        Assert.True(PrefixTrie.IsCoveredByOthers(a));
        trie.Detach(longer);
        Assert.False(PrefixTrie.IsCoveredByOthers(a));
    }

    [Fact]
    public void APartitionIsForgottenWithItsLastPath()
    {
        var trie = new PrefixTrie();
        var a = Attach(trie, 0, [1, 2, 3], partition: "a");
        var b = Attach(trie, 1, [1, 2, 3], partition: "b");
        var running = Attach(trie, 2, [1, 2, 3, 4], reuse: 3, from: b, partition: "b");
        running.Owner = new Sequence(new GenerationRequest { PromptTokens = [1], CachePartition = "b" }, [1], 1, 0);
        Assert.Equal(4, trie.CellsHeldByRunning());

        trie.Detach(a);
        Assert.Equal(1, trie.Partitions);
        Assert.Equal(default, trie.Find("a", [1, 2, 3]));
        trie.Detach(b);
        trie.Detach(running);
        Assert.Equal(0, trie.Partitions);
        Assert.Equal(0, trie.Cells);
    }
}
