using Llm.Runtime.Models;

namespace Llm.Runtime.Tests.Inference;

/// <summary>
/// A request's greedy output must not depend on what else is in the batch. See README "Batch invariance"
/// for what llama.cpp guarantees on the CPU backend.
/// </summary>
public sealed class BatchInvarianceTests(EngineHarness harness) : IClassFixture<EngineHarness>
{
    private const int Generate = 32;

    public static TheoryData<string> Models => new() { "demo", "tiny" };

    private ModelHost Load(string model) => model == "demo"
        ? harness.Demo(parallel: 8, cacheSlots: 0, contextSize: 2048)
        : EngineHarness.Tiny(parallel: 8, cacheSlots: 0);

    private static int[] Prompt(string model, int seed) => model == "demo"
        ? [1, 259 + 1 + seed % 90]
        : EngineHarness.RandomPrompt(20 + seed, seed);

    [Theory]
    [MemberData(nameof(Models))]
    public async Task GreedyOutputAloneEqualsBatchedWithOthers(string model)
    {
        using var host = Load(model);
        var target = Prompt(model, 7);
        var alone = await EngineHarness.GenerateAsync(host, target, Generate);
        Assert.True(alone.Last.CompletionTokens >= 8, $"Too short to compare: '{alone.Text}'.");

        // Started together with seven others of different lengths.
        var together = await Task.WhenAll(new[] { target }.Concat(Enumerable.Range(20, 7).Select(s => Prompt(model, s)))
            .Select(p => EngineHarness.GenerateAsync(host, p, Generate)));
        Assert.Equal(alone.Text, together[0].Text);

        // Joining while others are decoding, so its prompt shares a batch with their single tokens.
        var running = Enumerable.Range(40, 4).Select(s => EngineHarness.GenerateAsync(host, Prompt(model, s), 200)).ToArray();
        await Task.Delay(20);
        var joined = await EngineHarness.GenerateAsync(host, target, Generate);
        await Task.WhenAll(running);
        Assert.Equal(alone.Text, joined.Text);
        Assert.Equal(alone.Last.CompletionTokens, joined.Last.CompletionTokens);
    }
}
