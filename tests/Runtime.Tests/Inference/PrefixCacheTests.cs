using Llm.Runtime.Inference;

namespace Llm.Runtime.Tests.Inference;

/// <summary>
/// The shared prefix cache on the tiny random Llama 2, whose attention is real: reused cells must give the
/// same greedy text as decoding the whole prompt.
/// </summary>
public sealed class PrefixCacheTests
{
    private const int Generate = 24;

    private static int[] Concat(int[] prefix, params int[] suffix) => [.. prefix, .. suffix];

    [Fact]
    public async Task SecondRequestReusesTheSharedPrefixAndGivesTheUncachedOutput()
    {
        using var cached = EngineHarness.Tiny();
        using var uncached = EngineHarness.Tiny(cacheSlots: 0);
        var prefix = EngineHarness.RandomPrompt(300, seed: 1);
        var first = Concat(prefix, 500, 600, 700);
        var second = Concat(prefix, 800, 900, 1000, 1100);

        var warm = await EngineHarness.GenerateAsync(cached, first, Generate);
        Assert.Equal(0, warm.CachedTokens);
        var reused = await EngineHarness.GenerateAsync(cached, second, Generate);
        Assert.Equal(prefix.Length, reused.CachedTokens);
        var again = await EngineHarness.GenerateAsync(cached, second, Generate);
        Assert.Equal(second.Length - 1, again.CachedTokens);

        var reference = await EngineHarness.GenerateAsync(uncached, second, Generate);
        Assert.Equal(0, reference.CachedTokens);
        Assert.True(reference.Last.CompletionTokens >= 8, $"Too short to compare: '{reference.Text}'.");
        Assert.Equal(reference.Text, reused.Text);
        Assert.Equal(reference.Text, again.Text);
        Assert.Equal(reference.Last.CompletionTokens, reused.Last.CompletionTokens);

        var metrics = cached.GetMetrics();
        Assert.Equal(2, metrics.PrefixCacheHits);
        Assert.Equal(prefix.Length + second.Length - 1, metrics.PrefixCacheReusedTokens);
        Assert.Equal(first.Length + 4 + 1, metrics.PromptTokensComputed);
    }

    [Fact]
    public async Task RequestsArrivingTogetherDecodeTheirCommonPrefixOnce()
    {
        using var cached = EngineHarness.Tiny();
        using var uncached = EngineHarness.Tiny(cacheSlots: 0);
        var prefix = EngineHarness.RandomPrompt(400, seed: 2);
        var prompts = Enumerable.Range(0, 4).Select(i => Concat(prefix, 2000 + i, 3000 + i)).ToArray();

        var results = await Task.WhenAll(prompts.Select(p => EngineHarness.GenerateAsync(cached, p, Generate)));
        var metrics = cached.GetMetrics();
        Assert.Equal(prompts.Sum(p => p.Length), metrics.PromptTokens);
        Assert.Equal(prefix.Length + 4 * 2, metrics.PromptTokensComputed);
        Assert.Equal(3, results.Count(r => r.CachedTokens == prefix.Length));

        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal((await EngineHarness.GenerateAsync(uncached, prompts[i], Generate)).Text, results[i].Text);
    }

    [Fact]
    public async Task LeastRecentlyUsedPrefixIsEvictedWhenCellsAreNeeded()
    {
        using var host = EngineHarness.Tiny(parallel: 2, cacheSlots: 4, contextSize: 512);
        var p1 = EngineHarness.RandomPrompt(150, seed: 11);
        var p2 = EngineHarness.RandomPrompt(150, seed: 12);
        var p3 = EngineHarness.RandomPrompt(250, seed: 13);
        await EngineHarness.GenerateAsync(host, p1, 10);
        await EngineHarness.GenerateAsync(host, p2, 10);
        Assert.Equal(p1.Length, (await EngineHarness.GenerateAsync(host, Concat(p1, 7, 8), 10)).CachedTokens);
        Assert.Equal(0, host.GetMetrics().PrefixCacheEvictions);

        // p3 needs 260 cells; with 305 held by cached prefixes, the least recently used (p2) must go.
        await EngineHarness.GenerateAsync(host, p3, 10);
        var metrics = host.GetMetrics();
        Assert.Equal(1, metrics.PrefixCacheEvictions);
        Assert.True(metrics.KvCellsReserved <= 512);
        Assert.Equal(p1.Length, (await EngineHarness.GenerateAsync(host, Concat(p1, 9), 10)).CachedTokens);
        Assert.True((await EngineHarness.GenerateAsync(host, Concat(p2, 9), 10)).CachedTokens <= 1, "p2 should have been evicted (only BOS may match).");
    }

    [Fact]
    public async Task CacheNeverHoldsMoreThanTheContext()
    {
        using var host = EngineHarness.Tiny(parallel: 4, cacheSlots: 8, contextSize: 512);
        var tasks = Enumerable.Range(0, 24).Select(i => EngineHarness.GenerateAsync(host, EngineHarness.RandomPrompt(60 + i * 5, seed: 100 + i), 16));
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.NotNull(r.Last.FinishReason));
        var metrics = await EngineHarness.WaitForAsync(host, m => m.ActiveSequences == 0);
        Assert.InRange(metrics.KvCellsReserved, 1, 512);
        Assert.Equal(metrics.KvCellsUsed, metrics.KvCellsReserved);
        Assert.InRange(metrics.CachedPrefixes, 1, 8);
        Assert.Equal(24, metrics.RequestsEnded);
    }
}
