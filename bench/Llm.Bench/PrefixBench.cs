namespace Llm.Bench;

/// <summary>
/// Time to first token with a long shared prefix: cold (nothing cached), warm (an earlier request computed
/// it), and four concurrent requests, cold (they should compute the prefix once) and warm.
/// </summary>
internal static class PrefixBench
{
    private const int SuffixTokens = 8, Generate = 8;

    public static async Task<PrefixFigures> RunAsync(HttpLoad load, int prefixTokens, Action<string> log)
    {
        int[] Prompt(int prefixSeed, int suffixSeed) => Prompts.Concat(Prompts.Random(prefixTokens, prefixSeed), Prompts.Random(SuffixTokens + 1, suffixSeed));

        var cold = await load.SendAsync(Prompt(501, 1), Generate);
        var warm = await load.SendAsync(Prompt(501, 2), Generate);
        var coldConcurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => load.SendAsync(Prompt(502, 10 + i), Generate)));
        var warmer = await load.SendAsync(Prompt(503, 1), Generate);
        var warmConcurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => load.SendAsync(Prompt(503, 20 + i), Generate)));

        var all = new[] { cold, warm, warmer }.Concat(coldConcurrent).Concat(warmConcurrent).ToList();
        var figures = new PrefixFigures(prefixTokens, cold.Ttft, warm.Ttft, warm.CachedTokens,
            Stats.Percentile(coldConcurrent.Select(r => r.Ttft).ToList(), 50), coldConcurrent.Max(r => r.Ttft),
            Stats.Percentile(warmConcurrent.Select(r => r.Ttft).ToList(), 50), warmConcurrent.Max(r => r.Ttft),
            warmConcurrent.Min(r => r.CachedTokens), all.Count(r => !r.Ok));
        log($"prefix {prefixTokens}: cold TTFT {figures.ColdTtft * 1000:F0} ms, warm {figures.WarmTtft * 1000:F0} ms ({figures.WarmCachedTokens} cached); "
            + $"4 concurrent cold p50 {figures.ColdConcurrentTtftP50 * 1000:F0} ms, warm p50 {figures.WarmConcurrentTtftP50 * 1000:F0} ms max {figures.WarmConcurrentTtftMax * 1000:F0} ms; failed {figures.Failed}");
        foreach (var failure in all.Where(r => !r.Ok).Take(3)) log("  failure: " + failure.Error);
        return figures;
    }
}
