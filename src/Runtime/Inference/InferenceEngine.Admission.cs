using LLama.Native;
using Llm.Runtime.Inference.Caching;

namespace Llm.Runtime.Inference;

public sealed partial class InferenceEngine
{
    private bool CacheEnabled => _options.CacheSlots > 0;

    // First come, first served: a request that does not fit yet waits, and so do the ones behind it. Cached
    // prefixes nobody is using are evicted, least recently used first, when a request needs their room or id;
    // eviction is global (the cells are shared memory), but a request only ever reuses its own partition's prefixes.
    private void Admit()
    {
        while (_waiting.TryPeek(out var next) && _active.Count < _options.Parallel)
        {
            var match = CacheEnabled ? _trie.Find(next.Partition, next.Prompt) : default;
            // llama.cpp returns logits only for decoded tokens, so the last prompt token is always decoded.
            var reuse = Math.Min(match.Length, next.Prompt.Length - 1);
            var needed = next.Prompt.Length - reuse + next.MaxTokens;
            if (_freeIds.Count == 0)
            {
                if (EvictLeastRecentlyUsed()) continue;
                break;
            }
            if (ReservedCells + needed > ContextSize)
            {
                // Evict only when dropping every cached prefix could make room, even without reuse; otherwise the
                // running requests are what blocks this one, and it waits for them with the cache intact.
                var floor = _trie.CellsHeldByRunning() + _generationReserved + _followerReserved;
                if (floor + next.Prompt.Length + next.MaxTokens <= ContextSize && EvictLeastRecentlyUsed()) continue;
                break;
            }

            _waiting.Dequeue();
            Interlocked.Decrement(ref _counters.WaitingSequences);
            next.Slot = new KvSlot((LLamaSeqId)_freeIds.Pop(), next.Partition) { Owner = next };
            next.Stops = new StopMatcher(next.Request.Stop);
            _generationReserved += next.MaxTokens;
            _active.Add(next);
            Interlocked.Add(ref _counters.PromptTokens, next.Prompt.Length);
            if (CacheEnabled) Interlocked.Increment(ref _counters.PrefixCacheLookups);

            var holder = match.Holder;
            if (reuse > 0 && holder!.Computed < reuse && holder.Owner is { } computing)
            {
                // Another request of the same partition is decoding this prefix right now: wait for it rather than decode it twice.
                next.Following = holder;
                next.FollowLength = reuse;
                _followerReserved += next.Prompt.Length - reuse;
                (computing.Followers ??= []).Add(next);
            }
            else
            {
                Start(next, holder, reuse);
            }
        }
    }

    // Copies the first `reuse` cells from the holder (sharing them, not duplicating) and indexes the rest of the
    // prompt as this sequence's own cells, to be decoded from there.
    private void Start(Sequence sequence, KvSlot? holder, int reuse)
    {
        var slot = sequence.Slot!;
        var at = _trie.Root(slot.Partition);
        if (reuse > 0)
        {
            // The trie never offers another partition's holder; checked before any cell is shared all the same.
            if (holder!.Partition != slot.Partition) throw new InvalidOperationException("A sequence may only copy cells within its own cache partition.");
            _context.NativeHandle.MemorySequenceCopy(holder.Id, slot.Id, 0, reuse);
            at = _trie.NodeAt(holder, reuse);
            holder.LastUsed = ++_tick;
            Interlocked.Increment(ref _counters.PrefixCacheHits);
            Interlocked.Add(ref _counters.PrefixCacheReusedTokens, reuse);
        }
        _trie.Attach(slot, at, sequence.Prompt, reuse);
        sequence.PromptCursor = reuse;
        sequence.NextPosition = reuse;
        sequence.CachedTokens = reuse;
        slot.Computed = reuse;
    }

    // Starts the requests waiting for a prefix once their holder has decoded it.
    private void ResolveFollowers()
    {
        foreach (var sequence in _active)
        {
            if (sequence.Following is { } holder && holder.Computed >= sequence.FollowLength) Resume(sequence, sequence.FollowLength);
        }
    }

    private void Resume(Sequence follower, int reuse)
    {
        var holder = follower.Following!;
        _followerReserved -= follower.Prompt.Length - follower.FollowLength;
        follower.Following = null;
        holder.Owner?.Followers?.Remove(follower);
        Start(follower, holder, reuse);
    }

    private void Release(Sequence sequence, Action<Sequence> close, bool retain)
    {
        _active.Remove(sequence);
        _generationReserved -= sequence.MaxTokens;
        var slot = sequence.Slot!;
        if (sequence.Followers is { Count: > 0 } followers)
        {
            // Hand over whatever part of the prefix is decoded before these cells go; the followers decode the rest.
            foreach (var follower in followers.ToArray()) Resume(follower, Math.Min(follower.FollowLength, slot.Computed));
        }
        if (sequence.Following is not null)
        {
            _followerReserved -= sequence.Prompt.Length - sequence.FollowLength;
            sequence.Following.Owner?.Followers?.Remove(sequence);
            sequence.Following = null;
        }

        if (retain && CacheEnabled && slot.Tail is not null && slot.Computed == slot.Length && !PrefixTrie.IsCoveredByOthers(slot))
        {
            // Keep the prompt's cells for later requests of its partition; the generated tail is not indexed, so it goes.
            // Only a slot of the same partition can cover it, so another partition's copy of the prompt does not count.
            _context.NativeHandle.MemorySequenceRemove(slot.Id, slot.Length, -1);
            slot.Owner = null;
            slot.LastUsed = ++_tick;
            _retained.Add(slot);
        }
        else
        {
            Free(slot);
        }
        Ended();
        close(sequence);
    }

    private bool EvictLeastRecentlyUsed()
    {
        if (_retained.Count == 0) return false;
        var oldest = 0;
        for (var i = 1; i < _retained.Count; i++)
        {
            if (_retained[i].LastUsed < _retained[oldest].LastUsed) oldest = i;
        }
        var slot = _retained[oldest];
        _retained.RemoveAt(oldest);
        Free(slot);
        Interlocked.Increment(ref _counters.PrefixCacheEvictions);
        return true;
    }

    private void Free(KvSlot slot)
    {
        _trie.Detach(slot);
        _context.NativeHandle.MemorySequenceRemove(slot.Id, -1, -1);
        _freeIds.Push((int)slot.Id);
    }
}
