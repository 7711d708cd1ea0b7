using Llm.Runtime.Inference;
using Llm.Runtime.Models;

namespace Llm.Runtime.Tests.Inference;

/// <summary>
/// Cache partitions on the tiny Llama 2: a partition reuses, follows and parks prompt prefixes only with its own
/// requests, so the cached-token count is no oracle for another partition's prompt. Eviction stays global.
/// </summary>
public sealed class PrefixCachePartitionTests
{
    // Token ids standing for the digits 0..9 of a PIN, and a token that ends every probe (none is a digit).
    private static readonly int[] Digits = [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009];
    private const int Filler = 2000;

    private static int[] Concat(params int[][] parts) => [.. parts.SelectMany(p => p)];

    private static Task<EngineHarness.Result> GenerateAsync(ModelHost host, int[] prompt, string partition, int maxTokens = 1)
        => EngineHarness.GenerateAsync(host, prompt, maxTokens, partition: partition);

    // One probe per digit after the known part of the PIN; returns the cached tokens each guess was answered with.
    private static async Task<int[]> CachedPerGuessAsync(ModelHost host, int[] prefix, int[] known, string partition)
    {
        var cached = new int[Digits.Length];
        for (var guess = 0; guess < Digits.Length; guess++)
            cached[guess] = (await GenerateAsync(host, Concat(prefix, known, [Digits[guess], Filler]), partition)).CachedTokens;
        return cached;
    }

    // The attack from the issue: keep the guess that alone raised cached_tokens, digit by digit; stop when none stands out.
    private static async Task<int[]> AttackAsync(ModelHost host, int[] prefix, string partition)
    {
        var learned = new List<int>();
        for (var position = 0; position < 4; position++)
        {
            var cached = await CachedPerGuessAsync(host, prefix, [.. learned], partition);
            var best = cached.Max();
            if (cached.Count(c => c == best) != 1) break;
            learned.Add(Digits[Array.IndexOf(cached, best)]);
        }
        return [.. learned];
    }

    [Fact]
    public async Task TheCachedTokenOracleFindsThePinOnlyInsideItsOwnPartition()
    {
        using var host = EngineHarness.Tiny(cacheSlots: 96);
        var prefix = EngineHarness.RandomPrompt(200, seed: 41);
        int[] pin = [Digits[7], Digits[3], Digits[9], Digits[1]];
        var secret = Concat(prefix, pin, [3000, 3001, 3002]);
        Assert.Equal(0, (await GenerateAsync(host, secret, "tenant-a", maxTokens: 4)).CachedTokens);

        // The exact secret prompt, or its known part, from other partitions: nothing reused, no hit, every token decoded.
        foreach (var (prompt, partition) in new[] { (secret, "tenant-d"), (Concat(prefix, [Filler]), "tenant-b") })
        {
            var before = host.GetMetrics();
            Assert.Equal(0, (await GenerateAsync(host, prompt, partition)).CachedTokens);
            var after = host.GetMetrics();
            Assert.Equal(before.PrefixCacheHits, after.PrefixCacheHits);
            Assert.Equal(before.PromptTokensComputed + prompt.Length, after.PromptTokensComputed);
        }

        // Even handed the right digits so far, every guess of the next one reads the same count: the partition's own.
        for (var position = 0; position < pin.Length; position++)
        {
            var cached = await CachedPerGuessAsync(host, prefix, pin[..position], "tenant-b");
            Assert.True(cached.Distinct().Count() == 1, $"Position {position}: cached_tokens per guess {string.Join(',', cached)}.");
            Assert.Equal(prefix.Length + position, cached[0]);
        }
        Assert.Empty(await AttackAsync(host, prefix, "tenant-c"));

        // The same attack inside the secret's partition reads the whole PIN: the oracle is real, the cache still works.
        Assert.Equal(pin, await AttackAsync(host, prefix, "tenant-a"));
    }

    [Fact]
    public async Task RequestsArrivingTogetherFollowOnlyTheirOwnPartition()
    {
        using var cached = EngineHarness.Tiny();
        using var uncached = EngineHarness.Tiny(cacheSlots: 0);
        var prefix = EngineHarness.RandomPrompt(400, seed: 42);
        var prompts = Enumerable.Range(0, 4).Select(i => Concat(prefix, [2000 + i, 3000 + i])).ToArray();
        string[] partitions = ["a", "b", "a", "b"];

        var results = await Task.WhenAll(prompts.Select((p, i) => GenerateAsync(cached, p, partitions[i], maxTokens: 16)));
        var metrics = cached.GetMetrics();
        // Each partition decodes the prefix once and its second request copies it from the first.
        Assert.Equal(2 * prefix.Length + 4 * 2, metrics.PromptTokensComputed);
        Assert.Equal(2, metrics.PrefixCacheHits);
        foreach (var partition in new[] { "a", "b" })
        {
            var mine = results.Where((_, i) => partitions[i] == partition).Select(r => r.CachedTokens).Order().ToArray();
            Assert.Equal(new[] { 0, prefix.Length }, mine);
        }
        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal((await EngineHarness.GenerateAsync(uncached, prompts[i], 16)).Text, results[i].Text);
    }

    [Fact]
    public async Task AFinishedPromptIsParkedEvenWhenAnotherPartitionHoldsTheSameTokens()
    {
        using var host = EngineHarness.Tiny();
        var prompt = EngineHarness.RandomPrompt(300, seed: 43);
        var longer = Concat(prompt, [4000, 4001, 4002]);

        // In one partition the longer prompt would cover the shorter one's cells and the shorter one would not be kept.
        await Task.WhenAll(GenerateAsync(host, prompt, "a", maxTokens: 2), GenerateAsync(host, longer, "b", maxTokens: 40));
        var metrics = await EngineHarness.WaitForAsync(host, m => m.ActiveSequences == 0);
        Assert.Equal(2, metrics.CachedPrefixes);
        Assert.Equal(0, metrics.PrefixCacheHits);

        Assert.Equal(prompt.Length, (await GenerateAsync(host, Concat(prompt, [5000]), "a")).CachedTokens);
        Assert.Equal(longer.Length, (await GenerateAsync(host, Concat(longer, [5000]), "b")).CachedTokens);
        Assert.Equal(0, (await GenerateAsync(host, Concat(prompt, [5000]), "c")).CachedTokens);
    }

    [Fact]
    public async Task EvictionIsSharedAcrossPartitions()
    {
        using var host = EngineHarness.Tiny(parallel: 2, cacheSlots: 4, contextSize: 512);
        var p1 = EngineHarness.RandomPrompt(150, seed: 44);
        var p2 = EngineHarness.RandomPrompt(150, seed: 45);
        await GenerateAsync(host, p1, "a", maxTokens: 10);
        await GenerateAsync(host, p2, "a", maxTokens: 10);
        Assert.Equal(p2.Length, (await GenerateAsync(host, Concat(p2, [7]), "a")).CachedTokens);

        // Another partition's request needs the cells: the KV memory is one, so a's least recently used prefix goes.
        await GenerateAsync(host, EngineHarness.RandomPrompt(250, seed: 46), "b", maxTokens: 10);
        Assert.Equal(1, host.GetMetrics().PrefixCacheEvictions);
        Assert.Equal(p2.Length, (await GenerateAsync(host, Concat(p2, [9]), "a")).CachedTokens);
        Assert.True((await GenerateAsync(host, Concat(p1, [9]), "a")).CachedTokens <= 1, "p1 should have been evicted (only BOS may match).");
    }
}
