using Llm.Runtime.Errors;
using Llm.Runtime.Inference;
using Llm.Runtime.Models;
using Llm.Runtime.Models.Demo;

namespace Llm.Runtime.Tests.Inference;

/// <summary>Continuous batching, cancellation and the wait queue, on the demo model (whose output is known).</summary>
public sealed class SchedulerTests(EngineHarness harness) : IClassFixture<EngineHarness>
{
    private static int[] Prompt(ModelHost host, string text) => host.Tokenize(text, addSpecial: true, parseSpecial: true);

    private static GenerationStream Endless(ModelHost host, CancellationToken cancellationToken, int? maxTokens = null)
        => host.Submit(new GenerationRequest { PromptTokens = Prompt(host, "0"), MaxTokens = maxTokens, Sampling = EngineHarness.Greedy }, cancellationToken);

    [Fact]
    public async Task RequestJoiningMidFlightFinishesWhileTheFirstKeepsRunning()
    {
        // The first request has room for thousands of tokens and is cancelled by the test, so a slow test thread
        // cannot let it finish on its own before the joined one ends (a 900-token limit once did on a busy CI machine).
        using var host = harness.Demo(contextSize: 16384);
        using var cancelFirst = new CancellationTokenSource();
        var first = Endless(host, cancelFirst.Token, maxTokens: 16000);
        var firstText = new System.Text.StringBuilder();
        await using var updates = first.ReadAllAsync().GetAsyncEnumerator();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await updates.MoveNextAsync());
            firstText.Append(updates.Current.Text);
        }

        var joined = await EngineHarness.GenerateAsync(host, Prompt(host, "hello"), 50);
        Assert.Equal("pqrstuvwxyz.", joined.Text);
        Assert.Equal(FinishReason.Stop, joined.Last.FinishReason);
        var metrics = host.GetMetrics();
        Assert.Equal(1, metrics.ActiveSequences);
        Assert.True(metrics.GeneratedTokens < 16000, "The first request should still be running when the joined one ends.");

        await cancelFirst.CancelAsync();
        try
        {
            while (await updates.MoveNextAsync()) firstText.Append(updates.Current.Text);
        }
        catch (OperationCanceledException)
        {
        }
        // Batching with the joined request changed nothing in the first one's output.
        var expected = DemoModel.GreedyContinuation('0', 16000).Text;
        Assert.True(firstText.Length >= 5);
        Assert.StartsWith(firstText.ToString(), expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledSequenceFreesItsCells()
    {
        using var host = harness.Demo();
        using var cancel = new CancellationTokenSource();
        var stream = Endless(host, cancel.Token);
        var received = 0;
        await foreach (var update in stream.ReadAllAsync())
        {
            if (++received == 5)
            {
                Assert.True(host.GetMetrics().KvCellsUsed > 0);
                await cancel.CancelAsync();
            }
        }

        var metrics = await EngineHarness.WaitForAsync(host, m => m.ActiveSequences == 0 && m.KvCellsReserved == 0);
        Assert.Equal(0, metrics.ActiveSequences);
        Assert.Equal(0, metrics.KvCellsUsed);
        Assert.Equal(0, metrics.KvCellsReserved);
        Assert.Equal(0, metrics.CachedPrefixes);
        Assert.Equal(1, metrics.RequestsEnded);
    }

    [Fact]
    public async Task FinishedPromptStaysCachedAndItsGeneratedCellsAreFreed()
    {
        using var host = harness.Demo();
        var prompt = Prompt(host, "hello");
        await EngineHarness.GenerateAsync(host, prompt, 50);
        var metrics = await EngineHarness.WaitForAsync(host, m => m.ActiveSequences == 0);
        Assert.Equal(1, metrics.CachedPrefixes);
        Assert.Equal(prompt.Length, metrics.KvCellsUsed);
        Assert.Equal(prompt.Length, metrics.KvCellsReserved);
        Assert.Equal(12, metrics.GeneratedTokens);
        // The end-of-turn token is sampled too: 12 intervals after the first token.
        Assert.Equal((1L, 12L), (metrics.TimeToFirstToken.Count, metrics.InterTokenLatency.Count));
    }

    [Fact]
    public async Task FullQueueRefusesAtOnceUntilItDrains()
    {
        using var host = harness.Demo(parallel: 1, maxQueue: 1);
        using var cancel = new CancellationTokenSource();
        var running = Endless(host, cancel.Token);
        var waiting = host.Submit(new GenerationRequest { PromptTokens = Prompt(host, "hello"), MaxTokens = 50, Sampling = EngineHarness.Greedy });
        var refused = Assert.Throws<QueueFullException>(() => Endless(host, CancellationToken.None, 5));
        Assert.Equal(1, refused.Waiting);
        // A request that can never fit is still told so, not asked to retry.
        Assert.Throws<ContextLengthExceededException>(() => host.Submit(new GenerationRequest { PromptTokens = new int[1000], MaxTokens = 100 }));
        var metrics = await EngineHarness.WaitForAsync(host, m => m.WaitingSequences == 1 && m.ActiveSequences == 1);
        Assert.Equal((1, 1, 1L), (metrics.ActiveSequences, metrics.WaitingSequences, metrics.RequestsRejected));

        await cancel.CancelAsync();
        var text = new System.Text.StringBuilder();
        await foreach (var update in waiting.ReadAllAsync()) text.Append(update.Text);
        Assert.Equal("pqrstuvwxyz.", text.ToString());
        var after = await EngineHarness.GenerateAsync(host, Prompt(host, "x"), 5);
        Assert.Equal("yz.", after.Text);
    }

    [Fact]
    public async Task CancelledWaitingRequestLeavesTheQueue()
    {
        using var host = harness.Demo(parallel: 1, maxQueue: 1);
        using var cancelRunning = new CancellationTokenSource();
        using var cancelWaiting = new CancellationTokenSource();
        var running = Endless(host, cancelRunning.Token);
        var waiting = Endless(host, cancelWaiting.Token);
        await cancelWaiting.CancelAsync();
        await foreach (var update in waiting.ReadAllAsync()) Assert.Fail("A cancelled waiting request produced text.");
        var metrics = await EngineHarness.WaitForAsync(host, m => m.WaitingSequences == 0);
        Assert.Equal(0, metrics.WaitingSequences);
        var again = Endless(host, CancellationToken.None, 3);
        await cancelRunning.CancelAsync();
        var text = new System.Text.StringBuilder();
        await foreach (var update in again.ReadAllAsync()) text.Append(update.Text);
        Assert.Equal("123", text.ToString());
    }
}
